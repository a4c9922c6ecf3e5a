package dev.kldload.kube.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * One look at a cluster for {@code kube-status}: its nodes, the system pods, and the add-ons
 * kube-init installs (each present or not).
 */
public record ClusterStatus(
    List<NodeInfo> nodes, List<PodInfo> systemPods, List<Component> components) {

  /** An add-on: its workload status when it is installed. */
  public record Component(
      String name, WorkloadStatus.Kind kind, String namespace, WorkloadStatus status) {
    public boolean installed() {
      return status != null;
    }
  }

  static final List<String[]> ADD_ONS =
      List.of(
          new String[] {"cilium", "DAEMON_SET", "kube-system"},
          new String[] {"cilium-operator", "DEPLOYMENT", "kube-system"},
          new String[] {"hubble-relay", "DEPLOYMENT", "kube-system"},
          new String[] {"hubble-ui", "DEPLOYMENT", "kube-system"},
          new String[] {"coredns", "DEPLOYMENT", "kube-system"},
          new String[] {"metrics-server", "DEPLOYMENT", "kube-system"},
          new String[] {"metallb-controller", "DEPLOYMENT", "metallb-system"});

  public static ClusterStatus of(Cluster cluster) {
    List<Component> components = new ArrayList<>();
    for (String[] a : ADD_ONS) {
      WorkloadStatus.Kind kind = WorkloadStatus.Kind.valueOf(a[1]);
      WorkloadStatus status =
          (kind == WorkloadStatus.Kind.DAEMON_SET
                  ? cluster.daemonSet(a[2], a[0])
                  : cluster.deployment(a[2], a[0]))
              .orElse(null);
      components.add(new Component(a[0], kind, a[2], status));
    }
    return new ClusterStatus(cluster.nodes(), cluster.pods("kube-system"), components);
  }

  /** Every node Ready and every installed add-on complete. */
  public boolean healthy() {
    return !nodes.isEmpty()
        && nodes.stream().allMatch(NodeInfo::ready)
        && components.stream().filter(Component::installed).allMatch(c -> c.status().complete());
  }
}
