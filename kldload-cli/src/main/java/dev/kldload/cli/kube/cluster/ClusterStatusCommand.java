package dev.kldload.cli.kube.cluster;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.kube.orchestrator.ClusterStatus;
import dev.kldload.kube.smoke.LastSmoke;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kube-cluster status}. */
@Command(
    name = "status",
    header = "Show the cluster's VMs, disks and mesh, and whether it is healthy.",
    description = {
      "Per node: its domain's state, its disk (used, clone origin), its LAN and plane addresses,",
      "and the host's peer for it on each plane with the age of the last handshake. Healthy",
      "means every domain runs, every disk is there and every peer shook hands in the last",
      "180 s. Reads the host (libvirt, the disks, WireGuard) and the API: no SSH, answers in",
      "seconds. The last 'kube-smoke-test --cluster' result is shown when there is one (it does",
      "not change the verdict).",
      "",
      "When the cluster runs Kubernetes (a kubeconfig in its state directory), a Kubernetes",
      "section too, read through that kubeconfig within 5 s: nodes Ready of all, kube-system pods",
      "running of all, and the add-ons' DaemonSets and Deployments ready (Cilium, CoreDNS,",
      "MetalLB, metrics-server, Hubble). A NotReady node, or an API that does not answer in",
      "time (said so), makes the cluster degraded. JSON: the field 'kubernetes'."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Exit status: 0 healthy; 3 degraded (the reasons are listed); 4 no such cluster.",
      "",
      "Example:",
      "  kube-cluster status",
      "  kube-cluster status --name lab -o json"
    })
public final class ClusterStatusCommand implements Callable<Integer> {
  /** How long the API may take to answer all of status's questions. */
  static final Duration API_DEADLINE = Duration.ofSeconds(5);

  private final Cli cli;

  @Mixin OutputOption output;

  @Option(names = "--name", paramLabel = "NAME", description = "Cluster name.")
  String name;

  ClusterStatusCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    try (ClusterContext ctx =
        ClusterContext.existing(cli, ClusterContext.clusterName(cli, name), false)) {
      ClusterStatus.ClusterReport report =
          new ClusterStatus(
                  ctx.plan, ctx::hypervisor, uri -> ctx.disks(), ctx.hostWireGuard(), cli.clock())
              .report(ctx.manifest())
              .withSmoke(LastSmoke.load(ctx.store.dir(ctx.name)));
      Optional<ClusterStatus.KubernetesReport> api = ctx.kubernetesStatus(API_DEADLINE);
      if (api.isPresent()) {
        report = report.withKubernetes(api.get());
      }
      output.renderer().single(cli.out(), report, ClusterStatus::table);
      cli.out().flush();
      return report.exitCode().code();
    }
  }
}
