package dev.kldload.kube.orchestrator;

import java.util.List;
import java.util.Optional;

/**
 * The source of truth of one cluster ({@code <state>/clusters/<name>/cluster.json}, 0600): its
 * nodes with their identities, the chosen sizes, the admin key's public half and the golden
 * snapshot the nodes were cloned from.
 */
public record ClusterManifest(
    String name,
    String created,
    NodeSize controlPlaneSize,
    NodeSize workerSize,
    long diskBytes,
    String adminPublicKey,
    String goldenSnapshot,
    List<NodeRecord> nodes) {

  public ClusterManifest {
    nodes = List.copyOf(nodes);
  }

  public Optional<NodeRecord> node(String nodeName) {
    return nodes.stream().filter(n -> n.name().equals(nodeName)).findFirst();
  }

  public List<NodeRecord> withRole(Role role) {
    return nodes.stream().filter(n -> n.role() == role).toList();
  }

  ClusterManifest withNodes(List<NodeRecord> replaced) {
    return new ClusterManifest(
        name,
        created,
        controlPlaneSize,
        workerSize,
        diskBytes,
        adminPublicKey,
        goldenSnapshot,
        replaced);
  }
}
