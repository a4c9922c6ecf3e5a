package dev.kldload.kube.smoke;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A finished run: every result in catalogue order, when it started, how long it took; {@code
 * unreachable} names the cluster nodes that did not answer at all ({@code --cluster}).
 */
public record SmokeReport(
    Instant started,
    Duration elapsed,
    List<CheckResult> results,
    boolean interrupted,
    Set<String> unreachable) {

  /** The four counters. */
  public record Counts(int pass, int fail, int warn, int skip) {
    public int total() {
      return pass + fail + warn + skip;
    }
  }

  public SmokeReport {
    results = List.copyOf(results);
    unreachable = Collections.unmodifiableSet(new TreeSet<>(unreachable));
  }

  /** A run on this machine, where every result is about one node that answered. */
  public SmokeReport(
      Instant started, Duration elapsed, List<CheckResult> results, boolean interrupted) {
    this(started, elapsed, results, interrupted, Set.of());
  }

  public Counts counts() {
    return new Counts(
        count(Outcome.PASS), count(Outcome.FAIL), count(Outcome.WARN), count(Outcome.SKIP));
  }

  /** Whether the result came from something that answered: a reachable node, or the API. */
  private boolean answered(CheckResult r) {
    if (r.node().isPresent()) {
      return !unreachable.contains(r.node().get());
    }
    return r.outcome() != Outcome.SKIP
        && r.cause().filter(k -> k == ErrorKind.UNAVAILABLE || k == ErrorKind.TIMEOUT).isEmpty();
  }

  private int count(Outcome outcome) {
    return (int) results.stream().filter(r -> r.outcome() == outcome).count();
  }

  /** The results grouped by section, sections in catalogue order. */
  public Map<Section, List<CheckResult>> bySection() {
    Map<Section, List<CheckResult>> out = new LinkedHashMap<>();
    for (CheckResult r : results) {
      out.computeIfAbsent(r.section(), s -> new ArrayList<>()).add(r);
    }
    return out;
  }

  /**
   * 0 when no critical check failed (3 with warnings under {@code strict}); 1 when one did; 7 when
   * every failure was something not answering (API, daemon); 8 when, of those, one hung past its
   * deadline; 130 when interrupted. A cluster node that did not answer is a failure (1) while
   * anything else answered, and 7 only when nothing did.
   */
  public ExitCode exitCode(boolean strict) {
    if (interrupted) {
      return ExitCode.INTERRUPTED;
    }
    if (!unreachable.isEmpty()) {
      return results.stream().anyMatch(this::answered) ? ExitCode.FAILED : ExitCode.UNAVAILABLE;
    }
    List<CheckResult> failed = results.stream().filter(r -> r.outcome() == Outcome.FAIL).toList();
    if (!failed.isEmpty()) {
      Set<ErrorKind> unreachable = Set.of(ErrorKind.UNAVAILABLE, ErrorKind.TIMEOUT);
      boolean allUnreachable =
          failed.stream().allMatch(r -> r.cause().filter(unreachable::contains).isPresent());
      if (!allUnreachable) {
        return ExitCode.FAILED;
      }
      boolean hung =
          failed.stream().anyMatch(r -> r.cause().equals(Optional.of(ErrorKind.TIMEOUT)));
      return hung ? ExitCode.TIMEOUT : ExitCode.UNAVAILABLE;
    }
    if (strict && counts().warn() > 0) {
      return ExitCode.DEGRADED;
    }
    return ExitCode.OK;
  }
}
