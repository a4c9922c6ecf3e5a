package dev.kldload.cli.kube.cluster;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.plan.Plan;
import dev.kldload.kube.cluster.KubeconfigFiles;
import dev.kldload.kube.orchestrator.ClusterDestroy;
import dev.kldload.kube.orchestrator.ClusterKubernetes;
import dev.kldload.kube.orchestrator.ClusterManifest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kube-cluster destroy}. */
@Command(
    name = "destroy",
    header = "Remove the cluster: only what carries its marks, from any half-built state.",
    description = {
      "Removes the cluster's domains (our libvirt metadata naming the cluster), their disks and",
      "seeds, the nodes' peers on the host's planes (by their recorded keys; other peers stay),",
      "their DHCP reservations, the cluster's block in the hosts file, and its state directory",
      "last. The host stays a mesh node (its keys and interfaces are kept). --all also removes",
      "the golden, and refuses (exit 5, naming them) while a clone this cluster does not own",
      "depends on it. Lists what it will remove first; asks on a terminal, needs --yes (or",
      "KUBE_CLUSTER_YES=1) otherwise."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Exit status: 0 removed; 2 not confirmed (nothing removed); 4 no such cluster;",
      "5 a foreign clone depends on the golden (--all) or on a node's disk.",
      "",
      "Example:",
      "  kube-cluster destroy",
      "  kube-cluster destroy --all --yes"
    })
public final class ClusterDestroyCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin OutputOption output;

  @Option(names = "--all", description = "Also remove the golden VM and its disk.")
  Boolean all = false;

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask for confirmation (needed without a terminal).")
  Boolean yes = false;

  @Option(
      names = "--dry-run",
      description = "Print what would be removed and the plan; change nothing.")
  Boolean dryRun = false;

  @Option(names = "--name", paramLabel = "NAME", description = "Cluster name.")
  String name;

  ClusterDestroyCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    try (ClusterContext ctx =
        ClusterContext.existing(cli, ClusterContext.clusterName(cli, name), dryRun)) {
      ClusterManifest manifest = ctx.manifest();
      ClusterDestroy destroy = ctx.destroy(ctx.hostNodeStore());
      cli.err().print(ClusterDestroy.text(destroy.listing(manifest, all)));
      Path kubeconfig = ctx.userKubeconfig();
      KubeconfigFiles kubeconfigs = cli.engines().kubeconfigFiles();
      if (kubeconfigs.hasContext(kubeconfig, manifest.name())) {
        cli.err().println("  context " + manifest.name() + " in " + kubeconfig);
      }
      cli.err().flush();
      return Mutation.of(
              cli,
              List.of("kvm", "wireguard", "cluster-" + manifest.name()),
              "kube-cluster destroy " + manifest.name())
          .dryRun(dryRun)
          .output(output)
          .confirm(
              "Destroy cluster "
                  + manifest.name()
                  + (all ? " and its golden" : "")
                  + "? Everything listed above is removed.")
          .yes(ClusterContext.yes(cli, yes))
          .run(
              () -> {
                Plan plan = destroy.plan(manifest, all);
                return Plan.builder(plan.name())
                    .addAll(plan.ordered())
                    .add(ClusterKubernetes.removeContext(kubeconfigs, kubeconfig, manifest.name()))
                    .build();
              });
    }
  }
}
