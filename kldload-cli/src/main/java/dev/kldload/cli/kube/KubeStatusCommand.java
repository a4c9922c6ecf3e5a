package dev.kldload.cli.kube;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.output.OutputFormat;
import dev.kldload.core.output.Renderer;
import dev.kldload.core.output.Table;
import dev.kldload.kube.cluster.KubeStatus;
import java.nio.file.Path;
import java.util.Optional;
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
      "Exit 4 when the --kubeconfig file does not exist; 7 when no API server answers; 3 when a",
      "node or an installed add-on is not ready."
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

  @Override
  public Integer call() {
    KubeStatus.Report report =
        new KubeStatus(
                NodeTools.root(cli).resolve("etc/kubernetes/admin.conf"),
                Path.of(
                    cli.env().getOrDefault("HOME", System.getProperty("user.home")),
                    ".kube",
                    "config"),
                config -> cli.engines().cluster(config, cli.cancellation()))
            .status(new KubeStatus.Request(Optional.ofNullable(kubeconfig)));
    if (output.format() == OutputFormat.TABLE) {
      cli.out().print(table(report));
      cli.out().flush();
    } else {
      output.renderer().single(cli.out(), report, Renderer::toJson);
    }
    return (report.healthy() ? ExitCode.OK : ExitCode.DEGRADED).code();
  }

  private static String table(KubeStatus.Report report) {
    String nodes =
        Table.of(KubeStatus.NodeView.class)
            .column("NODE", KubeStatus.NodeView::name)
            .column("STATUS", n -> n.ready() ? "Ready" : "NotReady")
            .column("ROLES", n -> n.roles().isEmpty() ? "<none>" : String.join(",", n.roles()))
            .column("INTERNAL-IP", n -> n.internalIp() == null ? "-" : n.internalIp())
            .column("VERSION", KubeStatus.NodeView::kubeletVersion)
            .render(report.nodes());
    String pods =
        Table.of(KubeStatus.PodView.class)
            .column("POD (kube-system)", KubeStatus.PodView::name)
            .column("PHASE", KubeStatus.PodView::phase)
            .column("READY", p -> p.ready() ? "yes" : "no")
            .column("NODE", p -> p.node() == null ? "-" : p.node())
            .right("RESTARTS", KubeStatus.PodView::restarts)
            .render(report.systemPods());
    String components =
        Table.of(KubeStatus.ComponentView.class)
            .column("ADD-ON", KubeStatus.ComponentView::name)
            .column("NAMESPACE", KubeStatus.ComponentView::namespace)
            .column(
                "READY",
                c -> c.installed() ? c.readyReplicas() + "/" + c.desired() : "not installed")
            .render(report.components());
    return nodes + "\n" + pods + "\n" + components;
  }
}
