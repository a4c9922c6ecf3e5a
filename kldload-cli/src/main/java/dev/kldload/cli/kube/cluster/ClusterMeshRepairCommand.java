package dev.kldload.cli.kube.cluster;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.kube.orchestrator.ClusterManifest;
import dev.kldload.kube.orchestrator.ClusterMeshRepair;
import dev.kldload.kube.orchestrator.NodeSeeds;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.net.WgKey;
import dev.kldload.net.node.NodeStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kube-cluster mesh-repair}. */
@Command(
    name = "mesh-repair",
    aliases = "mesh",
    header = "Make every node a peer of every other node and of the host, on both planes.",
    description = {
      "Reconciles the host's peers (it re-joins both planes as node 100) and each node's, over SSH",
      "with the pinned host keys, to the cluster's manifest: adds the missing peers, removes the",
      "stale ones we made, touches only the differences and prints 'N added, M removed'. A second",
      "run prints 0 and 0. Peers someone else added to the host are kept."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Exit status: 0 repaired; 3 a node could not be reached (named, the others repaired);",
      "4 no such cluster.",
      "",
      "Example:",
      "  kube-cluster mesh-repair",
      "  kube-cluster mesh --name lab -o json"
    })
public final class ClusterMeshRepairCommand implements Callable<Integer> {
  static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(30);

  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  @Option(names = "--name", paramLabel = "NAME", description = "Cluster name.")
  String name;

  ClusterMeshRepairCommand(Cli cli) {
    this.cli = cli;
  }

  /** What a run changed, for {@code -o json}. */
  record Result(String cluster, int added, int removed) {}

  @Override
  public Integer call() {
    try (ClusterContext ctx =
        ClusterContext.existing(cli, ClusterContext.clusterName(cli, name), mutation.dryRun())) {
      ClusterManifest manifest = ctx.manifest();
      NodeStore hostStore = ctx.hostNodeStore();
      NodeSeeds seeds = ctx.seeds(ctx.store, hostStore);
      try (RemoteShell shell = ctx.remoteShell(manifest)) {
        ClusterMeshRepair repair =
            new ClusterMeshRepair(
                ctx.plan,
                seeds,
                ctx.hostMesh(hostStore),
                ctx.hostWireGuard(),
                shell,
                REMOTE_TIMEOUT);
        Map<String, Set<WgKey>> before = repair.hostPeers();
        int code =
            Mutation.of(
                    cli,
                    List.of("wireguard", "cluster-" + manifest.name()),
                    "kube-cluster mesh-repair " + manifest.name())
                .dryRun(mutation.dryRun())
                .output(output)
                .run(() -> repair.plan(manifest));
        if (!mutation.dryRun() && code != ExitCode.USAGE.code()) {
          repair.countHost(before, repair.hostPeers());
          output
              .renderer()
              .single(
                  cli.out(),
                  new Result(manifest.name(), repair.added(), repair.removed()),
                  r ->
                      "Mesh reconciled: "
                          + r.added()
                          + " peer(s) added, "
                          + r.removed()
                          + " stale peer(s) removed\n");
          cli.out().flush();
        }
        return code;
      }
    }
  }
}
