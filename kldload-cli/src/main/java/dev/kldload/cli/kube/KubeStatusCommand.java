package dev.kldload.cli.kube;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.output.OutputFormat;
import dev.kldload.core.output.Renderer;
import dev.kldload.core.output.Table;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.cluster.ClusterStatus;
import dev.kldload.kube.cluster.NodeInfo;
import dev.kldload.kube.cluster.PodInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kube-status}: nodes, system pods and add-ons of the cluster this node belongs to. */
@Command(
    name = "kube-status",
    header = "Show the cluster's nodes, system pods and add-ons.",
    description = {
      "Reads the cluster through /etc/kubernetes/admin.conf (or ~/.kube/config, or --kubeconfig).",
      "Exit 7 when no API server answers; 3 when a node or an installed add-on is not ready."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Example:",
      "  kube-status",
      "  kube-status -o json | jq '.nodes[] | select(.ready | not)'"
    })
public final class KubeStatusCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin OutputOption output;

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig to use.")
  Path kubeconfig;

  KubeStatusCommand(Cli cli) {
    this.cli = cli;
  }

  /** The report: raw values, in a stable order. */
  public record StatusView(
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

  @Override
  public Integer call() {
    Path config = kubeconfig != null ? kubeconfig : defaultKubeconfig();
    ClusterStatus status;
    try (Cluster cluster = cli.engines().cluster(config, cli.cancellation())) {
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
    StatusView view =
        new StatusView(
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
    if (output.format() == OutputFormat.TABLE) {
      cli.out().print(table(status));
      cli.out().flush();
    } else {
      output.renderer().single(cli.out(), view, Renderer::toJson);
    }
    return (status.healthy() ? ExitCode.OK : ExitCode.DEGRADED).code();
  }

  private Path defaultKubeconfig() {
    Path admin = NodeTools.root(cli).resolve("etc/kubernetes/admin.conf");
    if (Files.exists(admin)) {
      return admin;
    }
    return Path.of(
        cli.env().getOrDefault("HOME", System.getProperty("user.home")), ".kube", "config");
  }

  private static String table(ClusterStatus status) {
    String nodes =
        Table.of(NodeInfo.class)
            .column("NODE", NodeInfo::name)
            .column("STATUS", n -> n.ready() ? "Ready" : "NotReady")
            .column("ROLES", n -> n.roles().isEmpty() ? "<none>" : String.join(",", n.roles()))
            .column("INTERNAL-IP", n -> n.internalIp().orElse("-"))
            .column("VERSION", NodeInfo::kubeletVersion)
            .render(status.nodes());
    String pods =
        Table.of(PodInfo.class)
            .column("POD (kube-system)", PodInfo::name)
            .column("PHASE", PodInfo::phase)
            .column("READY", p -> p.ready() ? "yes" : "no")
            .column("NODE", p -> p.node().orElse("-"))
            .right("RESTARTS", PodInfo::restarts)
            .render(status.systemPods());
    String components =
        Table.of(ClusterStatus.Component.class)
            .column("ADD-ON", ClusterStatus.Component::name)
            .column("NAMESPACE", ClusterStatus.Component::namespace)
            .column(
                "READY",
                c ->
                    c.installed()
                        ? c.status().ready() + "/" + c.status().desired()
                        : "not installed")
            .render(status.components());
    return nodes + "\n" + pods + "\n" + components;
  }
}
