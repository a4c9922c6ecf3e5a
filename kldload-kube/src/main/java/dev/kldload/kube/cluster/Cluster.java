package dev.kldload.kube.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What kldload needs from a Kubernetes API server. Lookups return {@link Optional}; failures are
 * {@link dev.kldload.core.KldloadException}s (unreachable API → UNAVAILABLE, forbidden →
 * PERMISSION, missing object → NOT_FOUND, waits past their deadline → TIMEOUT).
 */
public interface Cluster extends AutoCloseable {

  List<NodeInfo> nodes();

  Optional<NodeInfo> node(String name);

  /** Sets ({@code value} present) or removes (empty) one label on a node. */
  void label(String node, String key, Optional<String> value);

  /** Adds {@code taint}, replacing one with the same key and effect. */
  void taint(String node, Taint taint);

  /** Removes taints with {@code key} (and {@code effect}, when given). */
  void untaint(String node, String key, Optional<String> effect);

  /** Waits until {@code node} exists and is Ready. */
  NodeInfo awaitNodeReady(String node, Duration timeout) throws InterruptedException;

  /**
   * Creates each object in the YAML (one or more documents), or replaces it when it exists. Returns
   * "kind/name" of each object in order.
   */
  List<String> apply(String yaml);

  List<PodInfo> pods(String namespace);

  Optional<WorkloadStatus> daemonSet(String namespace, String name);

  Optional<WorkloadStatus> deployment(String namespace, String name);

  /** Waits until the DaemonSet or Deployment ({@code kind}) has every replica ready and updated. */
  WorkloadStatus awaitWorkloadReady(
      WorkloadStatus.Kind kind, String namespace, String name, Duration timeout)
      throws InterruptedException;

  @Override
  void close();
}
