package dev.kldload.kube.orchestrator;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.xml.DomainDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code kube-cluster start [N]} and {@code stop}: plans of one step per node ({@code
 * start/<node>}, {@code stop/<node>}) over the nodes' domains. Control planes start first and
 * workers after them (a worker's kubelet needs the API); workers stop first and control planes
 * after them. Only domains carrying this cluster's marks are touched; a domain of a node's name
 * without them is a conflict, refused before any step runs.
 *
 * <p>Stop asks each guest to shut down (ACPI, so kubelet and etcd stop cleanly), waits for it with
 * a deadline, and powers off the guests that did not stop in time, saying so.
 */
public final class ClusterPower {
  /** How long a guest gets to shut down before it is powered off. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofMinutes(2);

  private final Function<String, Hypervisor> hypervisors;
  private final Conditions conditions;
  private final Duration shutdownTimeout;

  /**
   * @param hypervisors the hypervisor of each node's host (its libvirt URI, as recorded)
   * @param conditions how stop waits for a guest to shut down ({@code Conditions.system(token)})
   * @param shutdownTimeout how long it waits before powering off ({@link
   *     #DEFAULT_SHUTDOWN_TIMEOUT})
   */
  public ClusterPower(
      Function<String, Hypervisor> hypervisors, Conditions conditions, Duration shutdownTimeout) {
    this.hypervisors = hypervisors;
    this.conditions = conditions;
    this.shutdownTimeout = shutdownTimeout;
  }

  /**
   * A stop plan and the nodes it had to power off: filled in while the plan runs (after the run,
   * the nodes whose guest did not shut down in time).
   */
  public static final class Stop {
    private final Plan plan;
    private final Set<String> forced;

    private Stop(Plan plan, Set<String> forced) {
      this.plan = plan;
      this.forced = forced;
    }

    public Plan plan() {
      return plan;
    }

    /** The nodes powered off after the deadline, sorted. */
    public List<String> forced() {
      return forced.stream().sorted().toList();
    }
  }

  /**
   * Starts the control planes, then the first {@code workers} workers in order (all when empty).
   * Every node to start must have its domain (a missing one is refused: bootstrap makes it).
   */
  public Plan startPlan(ClusterManifest manifest, Optional<Integer> workers) {
    List<NodeRecord> all = manifest.withRole(Role.WORKER);
    int count = workers.orElse(all.size());
    if (count < 0 || count > all.size()) {
      throw KldloadException.invalid(
          "cluster " + manifest.name() + " has " + all.size() + " workers; cannot start " + count,
          "give a number from 0 to " + all.size());
    }
    Plan.Builder builder = Plan.builder("kube-cluster-start-" + manifest.name());
    List<String> controlPlanes = new ArrayList<>();
    for (NodeRecord node : manifest.withRole(Role.CONTROL_PLANE)) {
      builder.add(startStep(manifest, node, List.of()));
      controlPlanes.add("start/" + node.name());
    }
    for (NodeRecord node : all.subList(0, count)) {
      builder.add(startStep(manifest, node, controlPlanes));
    }
    return builder.build();
  }

  private Step startStep(ClusterManifest manifest, NodeRecord node, List<String> after) {
    Hypervisor hypervisor = hypervisors.apply(node.host());
    String name = node.name();
    VmDomain domain =
        hypervisor
            .domain(name)
            .orElseThrow(
                () ->
                    KldloadException.precondition(
                        "node " + name + " has no domain on " + hypervisor.uri(),
                        "run 'kube-cluster bootstrap' to make it again"));
    refuseForeign(manifest, domain, hypervisor);
    return Step.named("start/" + name)
        .description("start " + name + " (" + node.role().label() + ")")
        .after(after)
        .doneWhen(c -> running(hypervisor, name))
        .apply(
            c -> {
              if (state(hypervisor, name) == DomainState.PAUSED) {
                hypervisor.resume(name);
              } else {
                hypervisor.start(name);
              }
            });
  }

  /**
   * Shuts the workers down, then the control planes; nodes without a domain are skipped (nothing
   * runs there).
   */
  public Stop stopPlan(ClusterManifest manifest) {
    Set<String> forced = ConcurrentHashMap.newKeySet();
    Plan.Builder builder = Plan.builder("kube-cluster-stop-" + manifest.name());
    List<String> workers = new ArrayList<>();
    for (NodeRecord node : manifest.withRole(Role.WORKER)) {
      stopStep(manifest, node, List.of(), forced)
          .ifPresent(
              s -> {
                builder.add(s);
                workers.add(s.id());
              });
    }
    for (NodeRecord node : manifest.withRole(Role.CONTROL_PLANE)) {
      stopStep(manifest, node, workers, forced).ifPresent(builder::add);
    }
    return new Stop(builder.build(), forced);
  }

  private Optional<Step> stopStep(
      ClusterManifest manifest, NodeRecord node, List<String> after, Set<String> forced) {
    Hypervisor hypervisor = hypervisors.apply(node.host());
    String name = node.name();
    Optional<VmDomain> domain = hypervisor.domain(name);
    if (domain.isEmpty()) {
      return Optional.empty();
    }
    refuseForeign(manifest, domain.get(), hypervisor);
    return Optional.of(
        Step.named("stop/" + name)
            .description(
                "shut down "
                    + name
                    + " ("
                    + node.role().label()
                    + "), power off after "
                    + shutdownTimeout.toSeconds()
                    + "s")
            .after(after)
            .doneWhen(c -> !active(hypervisor, name))
            .apply(
                c -> {
                  DomainState state = state(hypervisor, name);
                  if (state == DomainState.RUNNING) {
                    hypervisor.shutdown(name);
                  }
                  if (state == DomainState.RUNNING || state == DomainState.SHUTTING_DOWN) {
                    try {
                      conditions.awaitTrue(
                          name + " to shut down", shutdownTimeout, () -> !active(hypervisor, name));
                      return;
                    } catch (KldloadException e) {
                      if (e.kind() != ErrorKind.TIMEOUT) {
                        throw e;
                      }
                    }
                  }
                  // a paused guest cannot act on ACPI; one that ignored it had its time
                  if (active(hypervisor, name)) {
                    hypervisor.powerOff(name);
                    forced.add(name);
                    c.note(
                        "forced: "
                            + name
                            + " did not shut down within "
                            + shutdownTimeout.toSeconds()
                            + "s; powered off");
                  }
                }));
  }

  private static void refuseForeign(
      ClusterManifest manifest, VmDomain domain, Hypervisor hypervisor) {
    boolean ours =
        DomainDefinition.parse(domain.xml())
            .metadata()
            .map(m -> ClusterStatus.ours(m, manifest.name()))
            .orElse(false);
    if (!ours) {
      throw KldloadException.conflict(
          "domain "
              + domain.name()
              + " on "
              + hypervisor.uri()
              + " has no "
              + ClusterBootstrap.OWNER
              + " marks for cluster "
              + manifest.name()
              + "; it is not this cluster's node",
          "rename or remove that domain ('kvm-delete " + domain.name() + "') first");
    }
  }

  private static DomainState state(Hypervisor hypervisor, String name) {
    return hypervisor.domain(name).map(VmDomain::state).orElse(DomainState.SHUT_OFF);
  }

  private static boolean running(Hypervisor hypervisor, String name) {
    DomainState state = state(hypervisor, name);
    return state == DomainState.RUNNING || state == DomainState.BLOCKED;
  }

  private static boolean active(Hypervisor hypervisor, String name) {
    return state(hypervisor, name).active();
  }
}
