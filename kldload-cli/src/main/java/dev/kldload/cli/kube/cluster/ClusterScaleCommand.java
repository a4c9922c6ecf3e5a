package dev.kldload.cli.kube.cluster;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.kube.orchestrator.AddressReservations;
import dev.kldload.kube.orchestrator.ClusterBootstrap;
import dev.kldload.kube.orchestrator.ClusterKubernetes;
import dev.kldload.kube.orchestrator.ClusterLayout;
import dev.kldload.kube.orchestrator.ClusterManifest;
import dev.kldload.kube.orchestrator.ClusterMeshRepair;
import dev.kldload.kube.orchestrator.ClusterPlans;
import dev.kldload.kube.orchestrator.ClusterStore;
import dev.kldload.kube.orchestrator.DefaultNetwork;
import dev.kldload.kube.orchestrator.NodeRecord;
import dev.kldload.kube.orchestrator.NodeSeeds;
import dev.kldload.kube.orchestrator.Phase;
import dev.kldload.kube.orchestrator.Role;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.net.node.MeshService;
import dev.kldload.net.node.NodeStore;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kube-cluster scale N}. */
@Command(
    name = "scale",
    header = "Set the number of workers: add or remove, then repair the mesh.",
    description = {
      "Adding: the new workers are cloned, seeded, started and reached like bootstrap's, the host",
      "takes them as peers, and every node that stays gets them as peers over SSH. Removing: the",
      "highest-numbered workers go (their domains, disks, seeds and reservations, only where they",
      "carry the cluster's marks), the host drops their peers, the nodes that stay drop them too,",
      "and the manifest forgets them last. The control planes are never touched.",
      "",
      "On a cluster that runs Kubernetes (a kubeconfig in its state directory) new workers join",
      "it, and each removed worker is first cordoned, drained (its pods evicted through the",
      "Eviction API so disruption budgets hold, DaemonSets' pods left, 5 minutes at most) and",
      "deleted from the API; only then do its VM and disk go. When the API does not answer or",
      "the pods outlast the deadline, that worker stays (exit 3 naming the API or the pods);",
      "--force removes it anyway, undrained, and says so."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Exit status: 0 done; 2 bad count; 3 a node could not be reached or drained (named); 4 no",
      "such cluster.",
      "",
      "Example:",
      "  kube-cluster scale 5",
      "  kube-cluster scale 0 --dry-run",
      "  kube-cluster scale 1 --force"
    })
public final class ClusterScaleCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  @Parameters(index = "0", paramLabel = "N", description = "The number of workers wanted.")
  int workers;

  @Option(names = "--name", paramLabel = "NAME", description = "Cluster name.")
  String name;

  @Option(
      names = "--force",
      description =
          "Remove workers even when they cannot be drained: the API does not answer, or their pods"
              + " are not evicted within 5 minutes.")
  Boolean force = false;

  ClusterScaleCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    if (workers < 0 || workers > 150) {
      throw KldloadException.invalid(
          workers + " workers is out of range", "give 0 to 150 (ids 1–254, 100 is the host)");
    }
    try (ClusterContext ctx =
        ClusterContext.existing(cli, ClusterContext.clusterName(cli, name), mutation.dryRun())) {
      ClusterManifest manifest = ctx.manifest();
      List<NodeRecord> cps = manifest.withRole(Role.CONTROL_PLANE);
      List<NodeRecord> before = manifest.withRole(Role.WORKER);
      String workerHost =
          before.isEmpty()
              ? cps.stream().findFirst().map(NodeRecord::host).orElseGet(ctx::defaultUri)
              : before.get(0).host();
      NodeStore hostStore = ctx.hostNodeStore();
      KnownHosts known = ctx.knownHostsFile();
      int code;
      try (RemoteShell shell = ctx.remoteShell(known)) {
        code =
            Mutation.of(
                    cli,
                    List.of("kvm", "wireguard", "cluster-" + manifest.name()),
                    "kube-cluster scale " + manifest.name())
                .options(mutation)
                .output(output)
                .run(
                    () -> {
                      ClusterStore admitted = ctx.admissionStore();
                      if (admitted != ctx.store) {
                        admitted.save(manifest);
                        ctx.copyKeys(admitted, manifest);
                      }
                      List<NodeRecord> removed =
                          before.stream().filter(n -> n.number() > workers).toList();
                      ClusterManifest target =
                          admitted.admit(
                              manifest.withNodes(
                                  manifest.nodes().stream()
                                      .filter(n -> !removed.contains(n))
                                      .toList()),
                              ClusterLayout.of(ctx.name, cps.size(), workers, ctx.plan.hostId()),
                              ctx.plan,
                              role -> role == Role.CONTROL_PLANE ? cps.get(0).host() : workerHost,
                              ctx::newHostKeys);
                      return plan(
                          ctx, admitted, manifest, target, removed, hostStore, shell, known);
                    });
      }
      if (!mutation.dryRun() && code == 0) {
        cli.out()
            .println(
                "cluster " + manifest.name() + ": " + before.size() + " → " + workers + " workers");
        cli.out().flush();
      }
      return code;
    }
  }

  /**
   * Bootstrap's plan for the target (new workers made, the host's peers and hosts block matched to
   * it), the removed workers' objects, the nodes that stay synced to the target's mesh, and the
   * manifest saved last when nodes go.
   */
  private Plan plan(
      ClusterContext ctx,
      ClusterStore admitted,
      ClusterManifest manifest,
      ClusterManifest target,
      List<NodeRecord> removed,
      NodeStore hostStore,
      RemoteShell shell,
      KnownHosts known) {
    NodeSeeds seeds = ctx.seeds(admitted, hostStore);
    MeshService hostMesh = ctx.hostMesh(hostStore);
    ClusterBootstrap bootstrap = ctx.bootstrap(seeds, hostMesh);
    DefaultNetwork network =
        new DefaultNetwork(ctx.hypervisor(target.nodes().get(0).host()), ctx.plan);
    Plan grow =
        ClusterPlans.bootstrap(
            bootstrap,
            new AddressReservations(ctx::hypervisor, DefaultNetwork.NAME),
            ctx.reach(shell, known),
            target,
            ctx.goldenSnapshot(),
            Phase.MESH,
            network.steps());
    ClusterKubernetes kubernetes = ctx.kubernetes(shell);
    Map<String, Step> drains = new LinkedHashMap<>();
    if (Files.exists(kubernetes.kubeconfig())) {
      // a cluster that runs Kubernetes: new workers join it as bootstrap's did, removed ones are
      // drained and leave the API before their VMs go
      // (only when there are new ones: a shrink must not hang on the API of the nodes that stay)
      if (!manifest.nodes().containsAll(target.nodes())) {
        grow =
            ClusterPlans.withKubernetes(grow, kubernetes, target, Phase.VERIFY, Optional.empty());
      }
      removed.forEach(
          n -> drains.put(n.name(), kubernetes.remove(n, ClusterKubernetes.DRAIN, force)));
    }
    ClusterMeshRepair repair =
        new ClusterMeshRepair(
            ctx.plan,
            seeds,
            hostMesh,
            ctx.hostWireGuard(),
            shell,
            ClusterMeshRepairCommand.REMOTE_TIMEOUT);
    return ClusterPlans.scale(
        grow, repair, ctx.destroy(hostStore), admitted, manifest, target, removed, drains);
  }
}
