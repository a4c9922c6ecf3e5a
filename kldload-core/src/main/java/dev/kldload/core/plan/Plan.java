package dev.kldload.core.plan;

import dev.kldload.core.KldloadException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A DAG of {@link Step}s with a name (used for the journal file). Built once, validated at build
 * time: unique ids, known dependencies, no cycles.
 */
public final class Plan {
  private final String name;
  private final Map<String, Step> steps;
  private final List<Step> ordered;

  private Plan(String name, Map<String, Step> steps) {
    this.name = name;
    this.steps = Collections.unmodifiableMap(steps);
    this.ordered = List.copyOf(topologicalOrder(steps));
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  public Step step(String id) {
    return steps.get(id);
  }

  /** Steps in an order that respects dependencies, ties broken by insertion order. */
  public List<Step> ordered() {
    return ordered;
  }

  public int size() {
    return steps.size();
  }

  /** The steps that depend on {@code id}, directly or not. */
  public Set<String> dependentsOf(String id) {
    Set<String> out = new LinkedHashSet<>();
    Deque<String> work = new ArrayDeque<>(List.of(id));
    while (!work.isEmpty()) {
      String current = work.pop();
      for (Step step : ordered) {
        if (step.dependsOn().contains(current) && out.add(step.id())) {
          work.push(step.id());
        }
      }
    }
    return out;
  }

  private static List<Step> topologicalOrder(Map<String, Step> steps) {
    Map<String, Integer> indegree = new HashMap<>();
    for (Step step : steps.values()) {
      indegree.put(step.id(), step.dependsOn().size());
    }
    List<Step> out = new ArrayList<>();
    List<Step> ready = new ArrayList<>();
    for (Step step : steps.values()) {
      if (step.dependsOn().isEmpty()) {
        ready.add(step);
      }
    }
    while (!ready.isEmpty()) {
      Step next = ready.remove(0);
      out.add(next);
      for (Step step : steps.values()) {
        if (step.dependsOn().contains(next.id())) {
          int left = indegree.merge(step.id(), -1, Integer::sum);
          if (left == 0) {
            ready.add(step);
          }
        }
      }
    }
    if (out.size() != steps.size()) {
      List<String> cyclic = new ArrayList<>();
      steps.keySet().stream().filter(id -> indegree.get(id) > 0).forEach(cyclic::add);
      throw new IllegalArgumentException("plan has a dependency cycle among " + cyclic);
    }
    return out;
  }

  /** Collects steps; {@link #build} validates the graph. */
  public static final class Builder {
    private final String name;
    private final Map<String, Step> steps = new LinkedHashMap<>();

    private Builder(String name) {
      if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
        throw KldloadException.invalid(
            "plan name '" + name + "' is not valid", "use letters, digits, '.', '_' or '-'");
      }
      this.name = name;
    }

    public Builder add(Step step) {
      if (steps.putIfAbsent(step.id(), step) != null) {
        throw new IllegalArgumentException("plan " + name + " has two steps named " + step.id());
      }
      return this;
    }

    public Builder addAll(Iterable<? extends Step> more) {
      more.forEach(this::add);
      return this;
    }

    public Plan build() {
      for (Step step : steps.values()) {
        for (String dep : step.dependsOn()) {
          if (!steps.containsKey(dep)) {
            throw new IllegalArgumentException(
                "step " + step.id() + " depends on unknown step " + dep);
          }
        }
      }
      return new Plan(name, new LinkedHashMap<>(steps));
    }
  }
}
