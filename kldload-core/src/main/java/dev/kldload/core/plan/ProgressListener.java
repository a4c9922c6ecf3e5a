package dev.kldload.core.plan;

/**
 * Receives the engine's events; implementations render them on stderr. Called from worker threads.
 */
public interface ProgressListener {
  ProgressListener NONE = new ProgressListener() {};

  default void planStarted(Plan plan, boolean dryRun) {}

  default void stepStarted(Step step) {}

  default void stepNote(Step step, String message) {}

  default void stepFinished(StepOutcome outcome) {}

  /** A step applied by a failed run was reversed (UNDONE) or could not be (UNDO_FAILED). */
  default void stepUndone(StepOutcome outcome) {}

  default void planFinished(PlanResult result) {}
}
