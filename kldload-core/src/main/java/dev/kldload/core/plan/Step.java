package dev.kldload.core.plan;

import java.util.List;
import java.util.Set;

/**
 * One idempotent unit of a plan. {@link #isDone} observes the real world (does the clone exist, is
 * the peer configured?) so that a re-run after a failure or Ctrl-C skips finished work; {@link
 * #apply} changes the world and must be safe to repeat after a partial attempt.
 */
public interface Step {

  /** Unique within its plan; used for dependencies and in the journal. */
  String id();

  /** One line an operator understands: "clone rpool/vms/k8s-golden@golden to rpool/vms/web01". */
  String description();

  /** Ids of the steps that must have finished before this one starts. */
  default Set<String> dependsOn() {
    return Set.of();
  }

  boolean isDone(StepContext context) throws Exception;

  void apply(StepContext context) throws Exception;

  /** A failed non-critical step makes the run "done with problems" (exit 3) instead of failed. */
  default boolean critical() {
    return true;
  }

  /** The objects this step creates (dataset, domain, file…), for ownership records and cleanup. */
  default List<String> creates() {
    return List.of();
  }

  static StepBuilder named(String id) {
    return new StepBuilder(id);
  }
}
