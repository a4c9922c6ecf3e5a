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

  /**
   * The objects this step creates (dataset, domain, file…): the engine records them in the journal
   * when the step is applied, for the failed-run report and for cleanup.
   */
  default List<String> creates() {
    return List.of();
  }

  /** Whether {@link #undo} reverses this step; steps that change nothing lasting need none. */
  default boolean reversible() {
    return false;
  }

  /**
   * Reverses a successful {@link #apply} of this run. The engine calls it, in reverse order of
   * completion, for the steps a failed run applied; never for a step that was already done before
   * the run (an earlier run made it, and a re-run resumes from it), never for the step that failed
   * (it must leave nothing half-made: write to a temporary name, rename when done), and never after
   * an interrupt (exit 130 keeps what was done, so that a re-run resumes).
   */
  default void undo(StepContext context) throws Exception {}

  static StepBuilder named(String id) {
    return new StepBuilder(id);
  }
}
