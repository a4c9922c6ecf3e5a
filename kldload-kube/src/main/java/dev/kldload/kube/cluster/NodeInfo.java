package dev.kldload.kube.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A node as kldload reports it: readiness, roles (from node-role labels), address, version. */
public record NodeInfo(
    String name,
    boolean ready,
    List<String> roles,
    Optional<String> internalIp,
    String kubeletVersion,
    Map<String, String> labels,
    List<Taint> taints) {
  public static final String ROLE_PREFIX = "node-role.kubernetes.io/";

  public NodeInfo {
    roles = List.copyOf(roles);
    labels = Map.copyOf(labels);
    taints = List.copyOf(taints);
  }
}
