package dev.kldload.cli.kube.cluster;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.kube.orchestrator.ClusterKubernetes;
import dev.kldload.kube.orchestrator.ClusterManifest;
import dev.kldload.kube.orchestrator.ClusterPower;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kube.ssh.RemoteShell;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kube-cluster start}. */
@Command(
    name = "start",
    header = "Start the cluster's VMs and wait for SSH and the mesh.",
    description = {
      "Starts the control planes, then all workers or the first N; then waits for each started",
      "node's lease, SSH with its pinned host key and the host's handshakes with it on both",
      "planes, each with the deadline kube.reach-seconds. Nodes already running are left as",
      "they are. VMs are not started with the host: this is how they come back after a reboot.",
      "On a cluster that runs Kubernetes (a kubeconfig in its state directory), it then waits",
      "up to 5 minutes for the started nodes to be Ready in the API."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Exit status: 0 started and reached (and Ready); 3 a node did not come up or is not Ready",
      "(named); 4 no such cluster.",
      "",
      "Example:",
      "  kube-cluster start",
      "  kube-cluster start 2"
    })
public final class ClusterStartCommand implements Callable<Integer> {
  /** How long the started nodes may take to be Ready in the API once SSH and the mesh are back. */
  static final Duration READY = Duration.ofMinutes(5);

  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "N",
      description = "Start only this many workers (default: all).")
  Integer workers;

  @Option(names = "--name", paramLabel = "NAME", description = "Cluster name.")
  String name;

  ClusterStartCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    try (ClusterContext ctx =
        ClusterContext.existing(cli, ClusterContext.clusterName(cli, name), mutation.dryRun())) {
      ClusterManifest manifest = ctx.manifest();
      KnownHosts known = ctx.knownHostsFile();
      try (RemoteShell shell = ctx.remoteShell(known)) {
        return Mutation.of(cli, List.of("kvm", "cluster-" + manifest.name()), "kube-cluster start")
            .options(mutation)
            .output(output)
            .run(
                () -> {
                  Plan start =
                      new ClusterPower(
                              ctx::hypervisor,
                              Conditions.system(cli.cancellation()),
                              ClusterPower.DEFAULT_SHUTDOWN_TIMEOUT)
                          .startPlan(manifest, Optional.ofNullable(workers));
                  Set<String> started =
                      start.ordered().stream()
                          .map(s -> s.id().substring("start/".length()))
                          .collect(Collectors.toSet());
                  List<Step> reach =
                      ctx.reach(shell, known)
                          .steps(manifest, node -> List.of("start/" + node), List.of());
                  List<Step> reached =
                      reach.stream().filter(s -> started.contains(node(s.id()))).toList();
                  Plan.Builder plan =
                      Plan.builder("kube-cluster-start-" + manifest.name())
                          .addAll(start.ordered())
                          .addAll(reached);
                  ClusterKubernetes kubernetes = ctx.kubernetes(shell);
                  if (Files.exists(kubernetes.kubeconfig())) {
                    // a cluster that runs Kubernetes is up when its API has the nodes Ready
                    plan.add(
                        kubernetes.nodesReady(
                            manifest.nodes().stream()
                                .filter(n -> started.contains(n.name()))
                                .toList(),
                            READY,
                            reached.stream().map(Step::id).toList()));
                  }
                  return plan.build();
                });
      }
    }
  }

  /**
   * The node a reach or handshake step is about: {@code reach/<node>}, {@code
   * mesh/handshake/<node>/<plane>}.
   */
  private static String node(String stepId) {
    String[] parts = stepId.split("/");
    return stepId.startsWith("reach/") ? parts[1] : parts[2];
  }
}
