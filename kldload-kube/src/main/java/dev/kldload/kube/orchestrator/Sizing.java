package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.ByteSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The original's sizing rule (spec §3.2), with its small-host fallback made to work: 12 GB stay
 * with the host and its ARC; the rest is cut into shares, a control plane taking two and a worker
 * one, each share clamped to 2–16 GB; control planes get half the host's CPUs (at least 4), workers
 * a quarter (at least 2). On a host under 16 GB every node gets the fixed small sizes the original
 * meant to use. Then the number of control planes is lowered, keeping it odd for etcd's quorum,
 * until they fit in the nodes' budget. Flags override the computed sizes; whether the whole cluster
 * fits the host is pre-flight admission's question, not this one's.
 */
public final class Sizing {
  static final long HOST_RESERVE_MB = 12_000;
  static final long MIN_VM_MEMORY_MB = 8_000;
  static final long SMALL_HOST_MB = 16_000;
  static final long MIN_SHARE_MB = 2_048;
  static final long MAX_SHARE_MB = 16_384;

  private Sizing() {}

  /** What the operator asked for; empty means "computed". */
  public record Request(
      int controlPlanes,
      int workers,
      Optional<ByteSize> workerMemory,
      Optional<Integer> workerCpus,
      Optional<ByteSize> controlPlaneMemory,
      Optional<Integer> controlPlaneCpus,
      ByteSize disk) {
    public Request {
      if (controlPlanes < 1 || controlPlanes > 7) {
        throw KldloadException.invalid(
            controlPlanes + " control planes is not supported",
            "give --control-planes 1, 3, 5 or 7 (an odd number keeps etcd's quorum)");
      }
      if (controlPlanes % 2 == 0) {
        throw KldloadException.invalid(
            controlPlanes + " control planes cannot keep etcd's quorum after one fails",
            "give an odd number: 1, 3, 5 or 7");
      }
      if (workers < 0 || workers > 150) {
        throw KldloadException.invalid(
            workers + " workers is out of range",
            "give --workers 0 to 150 (ids 1–254, 100 is the host)");
      }
    }
  }

  /** The chosen sizes, and why they differ from the request, for the first lines of the run. */
  public record Result(
      int controlPlanes,
      int workers,
      NodeSize controlPlane,
      NodeSize worker,
      ByteSize disk,
      List<String> notes) {
    public Result {
      notes = List.copyOf(notes);
    }

    public long totalMemoryMb() {
      return controlPlanes * controlPlane.memory().megabytes()
          + (long) workers * worker.memory().megabytes();
    }
  }

  public static Result choose(HostCapacity host, Request request) {
    List<String> notes = new ArrayList<>();
    boolean small = host.memoryMb() < SMALL_HOST_MB;
    // what the nodes may take: all but the host's reserve (2 GB on a small host)
    long budget =
        small
            ? Math.max(host.memoryMb() - MIN_SHARE_MB, MIN_SHARE_MB)
            : Math.max(host.memoryMb() - HOST_RESERVE_MB, MIN_VM_MEMORY_MB);
    if (small) {
      notes.add(
          "host has " + host.memoryMb() + " MB (under " + SMALL_HOST_MB + "): small node sizes");
    }
    int controlPlanes = request.controlPlanes();
    Result result = sized(host, request, controlPlanes, small, budget, notes);
    while (controlPlanes > 1
        && controlPlanes * result.controlPlane().memory().megabytes() > budget) {
      notes.add(
          controlPlanes
              + " control planes of "
              + result.controlPlane().memory().megabytes()
              + " MB do not fit in "
              + budget
              + " MB; using "
              + (controlPlanes - 2));
      controlPlanes -= 2;
      result = sized(host, request, controlPlanes, small, budget, notes);
    }
    return result;
  }

  private static Result sized(
      HostCapacity host,
      Request request,
      int controlPlanes,
      boolean small,
      long budget,
      List<String> notes) {
    long share;
    int cpCpus;
    int workerCpus;
    if (small) {
      share = MIN_SHARE_MB;
      cpCpus = 2;
      workerCpus = 2;
    } else {
      long shares = 2L * controlPlanes + request.workers();
      share = Math.min(Math.max(budget / shares, MIN_SHARE_MB), MAX_SHARE_MB);
      cpCpus = Math.max(host.cpus() / 2, 4);
      workerCpus = Math.max(host.cpus() / 4, 2);
    }
    NodeSize cp =
        new NodeSize(
            request.controlPlaneMemory().orElse(ByteSize.ofMegabytes(2 * share)),
            request.controlPlaneCpus().orElse(cpCpus));
    NodeSize worker =
        new NodeSize(
            request.workerMemory().orElse(ByteSize.ofMegabytes(share)),
            request.workerCpus().orElse(workerCpus));
    return new Result(controlPlanes, request.workers(), cp, worker, request.disk(), notes);
  }
}
