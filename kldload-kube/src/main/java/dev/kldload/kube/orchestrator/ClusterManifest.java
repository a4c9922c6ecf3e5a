package dev.kldload.kube.orchestrator;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The source of truth of one cluster ({@code <state>/clusters/<name>/cluster.json}, 0600): its
 * nodes with their identities, the chosen sizes, the admin key's public half and the golden
 * snapshot the nodes were cloned from; {@code network} holds the {@code net.*} keys the cluster was
 * built with, so every later verb uses the same plan whatever the host's configuration says then.
 */
public record ClusterManifest(
    String name,
    String created,
    NodeSize controlPlaneSize,
    NodeSize workerSize,
    long diskBytes,
    String adminPublicKey,
    String goldenSnapshot,
    List<NodeRecord> nodes,
    Map<String, String> network) {

  public ClusterManifest {
    nodes = List.copyOf(nodes);
    // manifests written before the plan was recorded have none: the host's configuration then
    network = network == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(network));
  }

  /** A manifest that records no network plan of its own (the host's configuration applies). */
  public ClusterManifest(
      String name,
      String created,
      NodeSize controlPlaneSize,
      NodeSize workerSize,
      long diskBytes,
      String adminPublicKey,
      String goldenSnapshot,
      List<NodeRecord> nodes) {
    this(
        name,
        created,
        controlPlaneSize,
        workerSize,
        diskBytes,
        adminPublicKey,
        goldenSnapshot,
        nodes,
        Map.of());
  }

  public Optional<NodeRecord> node(String nodeName) {
    return nodes.stream().filter(n -> n.name().equals(nodeName)).findFirst();
  }

  public List<NodeRecord> withRole(Role role) {
    return nodes.stream().filter(n -> n.role() == role).toList();
  }

  public ClusterManifest withNodes(List<NodeRecord> replaced) {
    return new ClusterManifest(
        name,
        created,
        controlPlaneSize,
        workerSize,
        diskBytes,
        adminPublicKey,
        goldenSnapshot,
        replaced,
        network);
  }
}
