package dev.kldload.kube.smoke;

import dev.kldload.core.ErrorKind;
import java.time.Duration;
import java.util.Optional;

/**
 * One check's result: the catalogue entry's fields, the outcome, its evidence and duration; {@code
 * cause} tells a failure to reach something (unavailable, timed out) from a wrong answer; {@code
 * node} names the cluster node a node check ran on ({@code --cluster}), empty on a node's own run
 * and for cluster checks.
 */
public record CheckResult(
    String id,
    Section section,
    Severity severity,
    String title,
    Outcome outcome,
    String evidence,
    Optional<String> hint,
    Duration duration,
    Optional<ErrorKind> cause,
    Optional<String> node) {

  /** A result of this machine's own run, naming no node. */
  public CheckResult(
      String id,
      Section section,
      Severity severity,
      String title,
      Outcome outcome,
      String evidence,
      Optional<String> hint,
      Duration duration,
      Optional<ErrorKind> cause) {
    this(id, section, severity, title, outcome, evidence, hint, duration, cause, Optional.empty());
  }

  /** This result, naming the node it ran on. */
  public CheckResult on(String nodeName) {
    return new CheckResult(
        id,
        section,
        severity,
        title,
        outcome,
        evidence,
        hint,
        duration,
        cause,
        Optional.of(nodeName));
  }

  /** The id as reports show it: prefixed with the node, when there is one ({@code cp-1: id}). */
  public String label() {
    return node.map(n -> n + ": " + id).orElse(id);
  }
}
