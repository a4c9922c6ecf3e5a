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

  /** Marks {@code node} unschedulable (NOT_FOUND when there is none). */
  void cordon(String node);

  /**
   * Evicts every pod on {@code node} but DaemonSets' and static (mirror) pods, through the Eviction
   * API so disruption budgets hold (a refused eviction is retried), until none is left; TIMEOUT
   * naming the pods still there after {@code timeout}. Returns "namespace/name" of each pod
   * evicted.
   */
  List<String> drain(String node, Duration timeout) throws InterruptedException;

  /** Deletes the node object; false when there was none. */
  boolean deleteNode(String node);

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

  /** Whether the API server's {@code /readyz} answers {@code ok}. */
  boolean readyz();

  /** The API server's version ({@code /version} gitVersion, e.g. v1.32.3). */
  String serverVersion();

  /** Ready addresses behind a Service (its Endpoints); empty when the Service has none. */
  Optional<Integer> readyEndpoints(String namespace, String service);

  /** Creates the pod; CONFLICT when one with that name exists. */
  PodInfo createPod(PodRequest request);

  Optional<PodInfo> pod(String namespace, String name);

  /** Deletes the pod at once (grace period 0); false when there was none. */
  boolean deletePod(String namespace, String name);

  /** The pod's log (its only container); empty text when it has none yet. */
  String podLog(String namespace, String name);

  /** How many nodes the metrics API ({@code metrics.k8s.io}) reports. */
  int nodeMetrics();

  @Override
  void close();
}
