package dev.kldload.kube.cluster;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code kube-status}: picks the kubeconfig (the one given, else the node's admin.conf, else the
 * user's ~/.kube/config), takes one look at the cluster through it and reports nodes, system pods
 * and add-ons as raw values.
 */
public final class KubeStatus {

  /** {@code kubeconfig}: the operator's choice; empty to use the node's or the user's. */
  public record Request(Optional<Path> kubeconfig) {}

  /** The report: raw values, in a stable order. */
  public record Report(
      String kubeconfig,
      boolean healthy,
      List<NodeView> nodes,
      List<PodView> systemPods,
      List<ComponentView> components) {}

  /** A node row. */
  public record NodeView(
      String name, boolean ready, List<String> roles, String internalIp, String kubeletVersion) {}

  /** A kube-system pod row. */
  public record PodView(String name, String phase, boolean ready, String node, int restarts) {}

  /** An add-on row; counts are 0 when it is not installed. */
  public record ComponentView(
      String name,
      String namespace,
      boolean installed,
      boolean ready,
      int desired,
      int readyReplicas) {}

  private final Path adminConf;
  private final Path userKubeconfig;
  private final Function<Path, Cluster> open;

  /**
   * @param adminConf the node's {@code /etc/kubernetes/admin.conf}
   * @param userKubeconfig the user's {@code ~/.kube/config}
   * @param open connects to the cluster a kubeconfig names
   */
  public KubeStatus(Path adminConf, Path userKubeconfig, Function<Path, Cluster> open) {
    this.adminConf = adminConf;
    this.userKubeconfig = userKubeconfig;
    this.open = open;
  }

  /**
   * A given kubeconfig that does not exist is NOT_FOUND (the operator mistyped it); when no cluster
   * answers through the chosen one, UNAVAILABLE.
   */
  public Report status(Request request) {
    if (request.kubeconfig().isPresent() && !Files.isRegularFile(request.kubeconfig().get())) {
      throw KldloadException.notFound(
          "kubeconfig " + request.kubeconfig().get() + " does not exist",
          "give the path of an existing kubeconfig, e.g. /etc/kubernetes/admin.conf");
    }
    Path config = request.kubeconfig().orElse(Files.exists(adminConf) ? adminConf : userKubeconfig);
    ClusterStatus status;
    try (Cluster cluster = open.apply(config)) {
      status = ClusterStatus.of(cluster);
    } catch (KldloadException e) {
      if (e.kind() == ErrorKind.UNAVAILABLE || e.kind() == ErrorKind.NOT_FOUND) {
        throw new KldloadException(
            ErrorKind.UNAVAILABLE,
            "no cluster available through " + config + ": " + e.getMessage(),
            "is this a control plane node? run kube-init, or give --kubeconfig",
            e);
      }
      throw e;
    }
    return report(config, status);
  }

  static Report report(Path config, ClusterStatus status) {
    return new Report(
        config.toString(),
        status.healthy(),
        status.nodes().stream()
            .map(
                n ->
                    new NodeView(
                        n.name(),
                        n.ready(),
                        n.roles(),
                        n.internalIp().orElse(null),
                        n.kubeletVersion()))
            .toList(),
        status.systemPods().stream()
            .map(
                p ->
                    new PodView(
                        p.name(), p.phase(), p.ready(), p.node().orElse(null), p.restarts()))
            .toList(),
        status.components().stream()
            .map(
                c ->
                    new ComponentView(
                        c.name(),
                        c.namespace(),
                        c.installed(),
                        c.installed() && c.status().complete(),
                        c.installed() ? c.status().desired() : 0,
                        c.installed() ? c.status().ready() : 0))
            .toList());
  }
}
