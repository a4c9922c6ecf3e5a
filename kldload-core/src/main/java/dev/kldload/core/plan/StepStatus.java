package dev.kldload.core.plan;

/** How a step ended in one run. */
public enum StepStatus {
  /** {@code isDone()} held before apply: nothing to do. */
  ALREADY_DONE("done", "already done"),
  APPLIED("applied", "applied"),
  FAILED("failed", "failed"),
  /** Not started because a dependency failed, or the run was cancelled before it. */
  CANCELLED("cancelled", "cancelled"),
  /** Was running when the run was interrupted. */
  INTERRUPTED("interrupted", "interrupted"),
  /** Applied, then reversed because the run failed. */
  UNDONE("undone", "undone"),
  /** Applied, and its undo failed: what it made is still there. */
  UNDO_FAILED("undo-failed", "undo failed"),
  /** Dry-run: would be applied. */
  PLANNED("planned", "would apply"),
  /** Dry-run: isDone() already holds. */
  PLANNED_DONE("planned-done", "already done");

  private final String journalName;
  private final String label;

  StepStatus(String journalName, String label) {
    this.journalName = journalName;
    this.label = label;
  }

  public String journalName() {
    return journalName;
  }

  public String label() {
    return label;
  }

  public boolean succeeded() {
    return this == ALREADY_DONE || this == APPLIED || this == PLANNED || this == PLANNED_DONE;
  }
}
