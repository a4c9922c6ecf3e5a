package dev.kldload.kube.orchestrator;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.value.ByteSize;
import dev.kldload.net.PlanIssue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pre-flight admission of a bootstrap or scale: whether the host can take the requested nodes,
 * judged from facts gathered before anything changes. A refusal carries the exit code it maps to (6
 * precondition, 5 conflict); warnings are said once and do not stop the run.
 */
public final class Admission {
  /** 1 GiB stays with the host even when the nodes may overcommit the rest. */
  static final long HOST_FLOOR_MB = 1_024;

  private Admission() {}

  /**
   * What pre-flight observed on the host; {@code network} holds how the existing libvirt network
   * differs from the plan.
   */
  public record Facts(
      HostCapacity host,
      Optional<ByteSize> freeForDisks,
      boolean goldenExists,
      Map<String, Optional<String>> domainOwners,
      Optional<ClusterManifest> existing,
      List<PlanIssue> planIssues,
      List<Finding> network) {
    public Facts {
      domainOwners = Map.copyOf(domainOwners);
      planIssues = List.copyOf(planIssues);
      network = List.copyOf(network);
    }

    /** Facts without findings about the libvirt network (it is missing or matches the plan). */
    public Facts(
        HostCapacity host,
        Optional<ByteSize> freeForDisks,
        boolean goldenExists,
        Map<String, Optional<String>> domainOwners,
        Optional<ClusterManifest> existing,
        List<PlanIssue> planIssues) {
      this(host, freeForDisks, goldenExists, domainOwners, existing, planIssues, List.of());
    }
  }

  /** One reason not to go on (its kind gives the exit code), or a warning. */
  public record Finding(ErrorKind kind, String message, String hint) {}

  /** Refusals stop the run before anything changes; warnings are said and the run goes on. */
  public record Verdict(List<Finding> refusals, List<Finding> warnings) {
    public Verdict {
      refusals = List.copyOf(refusals);
      warnings = List.copyOf(warnings);
    }

    public boolean admitted() {
      return refusals.isEmpty();
    }
  }

  public static Verdict check(
      String cluster, Sizing.Result sizes, ClusterLayout layout, Facts facts) {
    List<Finding> out = new ArrayList<>();
    List<Finding> warnings = new ArrayList<>();
    long needed = sizes.totalMemoryMb();
    long available = facts.host().memoryMb() - HOST_FLOOR_MB;
    if (needed > available) {
      out.add(
          new Finding(
              ErrorKind.PRECONDITION,
              "the nodes need "
                  + needed
                  + " MB of memory and the host has "
                  + facts.host().memoryMb()
                  + " MB",
              "give fewer --workers or a smaller --ram"));
    }
    int widest = Math.max(sizes.controlPlane().cpus(), sizes.worker().cpus());
    if (widest > facts.host().cpus()) {
      warnings.add(
          new Finding(
              ErrorKind.DEGRADED,
              "a node gets "
                  + widest
                  + " vCPUs on a host with "
                  + facts.host().cpus()
                  + " CPUs (they will share them)",
              "give --cpus " + facts.host().cpus() + " or fewer"));
    }
    if (!facts.goldenExists()
        && facts.freeForDisks().isPresent()
        && facts.freeForDisks().get().bytes() < sizes.disk().bytes()) {
      out.add(
          new Finding(
              ErrorKind.PRECONDITION,
              "the golden disk needs "
                  + sizes.disk().human()
                  + " and only "
                  + facts.freeForDisks().get().human()
                  + " is free",
              "free space, or give a smaller --disk"));
    }
    for (ClusterLayout.Slot slot : layout.nodes()) {
      Optional<String> owner = facts.domainOwners().get(slot.name().value());
      if (owner != null && !owner.equals(Optional.of(cluster))) {
        out.add(
            new Finding(
                ErrorKind.CONFLICT,
                "a domain named "
                    + slot.name()
                    + " exists and "
                    + owner.map(o -> "belongs to cluster " + o).orElse("was not made by kldload"),
                "remove or rename it, or choose another --name"));
      }
    }
    facts
        .existing()
        .filter(m -> m.withRole(Role.CONTROL_PLANE).size() != sizes.controlPlanes())
        .ifPresent(
            m ->
                out.add(
                    new Finding(
                        ErrorKind.CONFLICT,
                        "cluster "
                            + cluster
                            + " exists with "
                            + m.withRole(Role.CONTROL_PLANE).size()
                            + " control plane(s), not "
                            + sizes.controlPlanes(),
                        "re-run with the same count to resume, or 'kube-cluster scale N' for"
                            + " workers")));
    for (PlanIssue issue : facts.planIssues()) {
      out.add(
          new Finding(
              ErrorKind.PRECONDITION,
              "address plan: "
                  + issue.range()
                  + " "
                  + issue.cidr()
                  + " collides with "
                  + issue.conflictsWith()
                  + " ("
                  + issue.detail()
                  + ")",
              "set the net.* keys (or network: in the cluster file) to free ranges"));
    }
    // how an existing libvirt network differs from the plan (DefaultNetwork.check): a degraded
    // setting is said, a different address or bridge stops the run
    for (Finding f : facts.network()) {
      (f.kind() == ErrorKind.DEGRADED ? warnings : out).add(f);
    }
    return new Verdict(out, warnings);
  }
}
