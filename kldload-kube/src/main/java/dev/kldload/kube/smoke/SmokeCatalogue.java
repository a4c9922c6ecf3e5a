package dev.kldload.kube.smoke;

import dev.kldload.core.KldloadException;
import dev.kldload.net.NetworkPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * Every check of {@code kube-smoke-test}, in the order they run (node, cluster, then
 * observability), and the {@code --only}/{@code --skip} selection by section id, check id, or a
 * dotted prefix of ids ({@code kernel.module}).
 */
public final class SmokeCatalogue {
  private SmokeCatalogue() {}

  /** The catalogue for this address plan (interface names and ports come from it). */
  public static List<Check> all(NetworkPlan plan) {
    List<Check> checks = new ArrayList<>(NodeChecks.all(plan));
    checks.addAll(ClusterChecks.all());
    checks.addAll(ObservabilityChecks.all());
    return List.copyOf(checks);
  }

  /**
   * The checks {@code only} selects (all when empty) less those {@code skip} names. A selector that
   * matches no check is a usage error: a typo must not silently run everything.
   */
  public static List<Check> select(List<Check> all, List<String> only, List<String> skip) {
    for (String selector : concat(only, skip)) {
      if (all.stream().noneMatch(c -> matches(c, selector))) {
        throw KldloadException.invalid(
            "no check or section '" + selector + "'", "list them with kube-smoke-test --list");
      }
    }
    return all.stream()
        .filter(c -> only.isEmpty() || only.stream().anyMatch(s -> matches(c, s)))
        .filter(c -> skip.stream().noneMatch(s -> matches(c, s)))
        .toList();
  }

  static boolean matches(Check check, String selector) {
    return check.section().id().equals(selector)
        || check.id().equals(selector)
        || check.id().startsWith(selector + ".");
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
