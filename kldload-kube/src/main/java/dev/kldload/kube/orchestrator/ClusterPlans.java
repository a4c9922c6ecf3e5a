package dev.kldload.kube.orchestrator;

import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.value.ClusterName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the orchestrator's parts make the plans of {@code kube-cluster}'s verbs: which steps of which
 * part wait for which, so a command only picks the parts and runs the plan.
 */
public final class ClusterPlans {
  private ClusterPlans() {}

  /**
   * Bootstrap up to {@code phase}: the libvirt network, every node's address reservation (its start
   * waits for them), the clones and the host's mesh, each node's reach after its start, and the
   * handshakes after the host joined.
   */
  public static Plan bootstrap(
      ClusterBootstrap bootstrap,
      AddressReservations reservations,
      ClusterReach reach,
      ClusterManifest manifest,
      ClusterBootstrap.Golden golden,
      Phase phase,
      List<Step> network) {
    List<Step> preflight = new ArrayList<>(network);
    preflight.addAll(reservations.steps(manifest, network.stream().map(Step::id).toList()));
    Plan base = bootstrap.plan(manifest, golden, phase, preflight);
    if (!phase.includes(Phase.REACH)) {
      return base;
    }
    List<String> joined =
        base.ordered().stream().map(Step::id).filter(id -> id.startsWith("mesh/")).toList();
    List<Step> reached =
        reach.steps(manifest, node -> List.of("clones/" + node + "/start"), joined);
    return Plan.builder(base.name())
        .addAll(base.ordered())
        .addAll(
            reached.stream()
                .filter(s -> phase.includes(Phase.MESH) || s.id().startsWith("reach/"))
                .toList())
        .build();
  }

  /**
   * {@code meshed} (bootstrap's plan through the mesh) followed by the Kubernetes phases up to
   * {@code phase}: the control plane waits for every step of the mesh (the host's join and each
   * node's handshakes), so the nodes reach each other on wg-k8s before kubeadm runs. The {@code
   * smoke} step ({@link SmokePhase}) comes last when {@code phase} includes it.
   */
  public static Plan withKubernetes(
      Plan meshed,
      ClusterKubernetes kubernetes,
      ClusterManifest manifest,
      Phase phase,
      Optional<Step> smoke) {
    if (!phase.kubernetes()) {
      return meshed;
    }
    List<String> mesh =
        meshed.ordered().stream().map(Step::id).filter(id -> id.startsWith("mesh/")).toList();
    Plan.Builder plan =
        Plan.builder(meshed.name())
            .addAll(meshed.ordered())
            .addAll(kubernetes.steps(manifest, phase, mesh));
    if (phase.includes(Phase.SMOKE)) {
      smoke.ifPresent(plan::add);
    }
    return plan.build();
  }

  /**
   * Scale from {@code before} to {@code target}: {@code grow} (bootstrap's plan for the target: new
   * workers made, the host's peers and hosts block matched to it), the nodes that stay synced to
   * the target's mesh over SSH, the {@code removed} workers' own objects and reservations (each
   * node's after its step in {@code drains}, by node name, when the cluster runs Kubernetes), and
   * the manifest saved last when nodes go.
   */
  public static Plan scale(
      Plan grow,
      ClusterMeshRepair repair,
      ClusterDestroy destroy,
      ClusterStore store,
      ClusterManifest before,
      ClusterManifest target,
      List<NodeRecord> removed,
      Map<String, Step> drains) {
    Plan.Builder builder = Plan.builder("kube-cluster-scale-" + target.name());
    builder.addAll(grow.ordered());
    Set<String> stay =
        before.nodes().stream()
            .filter(n -> !removed.contains(n))
            .map(NodeRecord::name)
            .collect(Collectors.toSet());
    repair.plan(target).ordered().stream()
        .filter(s -> s.id().startsWith("nodes/") && stay.contains(node(s)))
        .forEach(builder::add);
    if (!removed.isEmpty()) {
      Set<String> gone = removed.stream().map(NodeRecord::name).collect(Collectors.toSet());
      List<Step> removal =
          destroy.plan(before.withNodes(removed), false).ordered().stream()
              .filter(
                  s ->
                      (s.id().startsWith("nodes/") && gone.contains(node(s)))
                          || s.id().startsWith("network/release/"))
              .map(s -> afterDrain(s, drains))
              .toList();
      builder.addAll(drains.values());
      builder.addAll(removal);
      int workers = target.withRole(Role.WORKER).size();
      ClusterName cluster = ClusterName.of(target.name());
      builder.add(
          Step.named("manifest")
              .description("record " + workers + " workers in the manifest, last")
              .after(removal.stream().map(Step::id).toList())
              .doneWhen(
                  c -> store.load(cluster).map(m -> m.nodes().equals(target.nodes())).orElse(false))
              .apply(c -> store.save(target)));
    }
    return builder.build();
  }

  /** A removed node's step, after that node's drain when it has one. */
  private static Step afterDrain(Step step, Map<String, Step> drains) {
    // nodes/<node>/..., network/release/<node>: the reservation too stays while the VM does
    String[] parts = step.id().split("/");
    Step drain = drains.get(step.id().startsWith("nodes/") ? parts[1] : parts[parts.length - 1]);
    if (drain == null) {
      return step;
    }
    Set<String> after = new LinkedHashSet<>(step.dependsOn());
    after.add(drain.id());
    return new RenamedStep(step, step.id(), after);
  }

  /** The node a {@code nodes/<node>/...} step is about. */
  private static String node(Step step) {
    return step.id().split("/")[1];
  }
}
