package dev.kldload.cli.kube.cluster;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.plan.Plan;
import dev.kldload.kube.orchestrator.ClusterKubernetes;
import dev.kldload.kube.orchestrator.ClusterManifest;
import dev.kldload.kube.ssh.RemoteShell;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kube-cluster vip-float}. */
@Command(
    name = "vip-float",
    header = "Point the cluster's kubeconfig at the kube-vip address instead of one control plane.",
    description = {
      "For a cluster with several control planes whose kubeconfig still names the first control",
      "plane's address: checks that the API answers /readyz at the VIP (.240 of the host network,",
      "held by kube-vip on every control plane), then rewrites the kubeconfig kept in the",
      "cluster's state directory and the server of the context <name> in ~/.kube/config (0600),",
      "so kubectl keeps working when that control plane is down. Nothing changes when the VIP",
      "does not answer. A cluster already at the VIP is left as it is."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Exit status: 0 done (or already at the VIP); 4 no such cluster; 6 one control plane, no",
      "kubeconfig yet, or the VIP does not answer (the reason is given).",
      "",
      "Example:",
      "  kube-cluster vip-float",
      "  kube-cluster vip-float --name lab --dry-run"
    })
public final class ClusterVipFloatCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  @Option(names = "--name", paramLabel = "NAME", description = "Cluster name.")
  String name;

  ClusterVipFloatCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    try (ClusterContext ctx =
        ClusterContext.existing(cli, ClusterContext.clusterName(cli, name), mutation.dryRun())) {
      ClusterManifest manifest = ctx.manifest();
      try (RemoteShell shell = ctx.remoteShell(ctx.knownHostsFile())) {
        ClusterKubernetes kubernetes = ctx.kubernetes(shell);
        // refusals (one control plane, no kubeconfig) before any lock or journal
        Plan plan =
            Plan.builder("kube-cluster-vip-float-" + manifest.name())
                .add(kubernetes.vipFloat(manifest))
                .build();
        return Mutation.of(cli, List.of("cluster-" + manifest.name()), "kube-cluster vip-float")
            .options(mutation)
            .output(output)
            .run(() -> plan);
      }
    }
  }
}
