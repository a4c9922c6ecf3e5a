package dev.kldload.core.plan;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import java.time.Duration;
import java.util.List;

/** Every step's outcome in plan order, and what the run as a whole means. */
public record PlanResult(
    String planName,
    boolean dryRun,
    List<StepOutcome> outcomes,
    List<StepOutcome> undone,
    Duration elapsed) {

  public PlanResult {
    outcomes = List.copyOf(outcomes);
    undone = List.copyOf(undone);
  }

  public PlanResult(String planName, boolean dryRun, List<StepOutcome> outcomes, Duration elapsed) {
    this(planName, dryRun, outcomes, List.of(), elapsed);
  }

  public List<StepOutcome> withStatus(StepStatus status) {
    return outcomes.stream().filter(o -> o.status() == status).toList();
  }

  public boolean interrupted() {
    return outcomes.stream().anyMatch(o -> o.status() == StepStatus.INTERRUPTED)
        || outcomes.stream()
            .anyMatch(
                o ->
                    o.status() == StepStatus.CANCELLED
                        && o.reason().orElse("").equals(PlanEngine.INTERRUPTED_REASON));
  }

  private List<StepOutcome> criticalFailures() {
    return outcomes.stream().filter(o -> o.status() == StepStatus.FAILED && o.critical()).toList();
  }

  /**
   * 0 when every step succeeded; 130 when interrupted; for critical failures the failing step's own
   * kind when exactly one failed (so "not found" stays 4), 1 otherwise; 3 when only non-critical
   * steps failed.
   */
  public ExitCode exitCode() {
    if (interrupted()) {
      return ExitCode.INTERRUPTED;
    }
    List<StepOutcome> critical = criticalFailures();
    if (critical.size() == 1
        && critical.get(0).error().orElse(null) instanceof KldloadException e) {
      return e.exitCode();
    }
    if (!critical.isEmpty()) {
      return ExitCode.FAILED;
    }
    return withStatus(StepStatus.FAILED).isEmpty() ? ExitCode.OK : ExitCode.DEGRADED;
  }

  /** What the engine reversed after the failure, for the one error line. */
  private String undoSummary() {
    if (undone.isEmpty()) {
      return "";
    }
    List<String> stuck =
        undone.stream()
            .filter(o -> o.status() == StepStatus.UNDO_FAILED)
            .map(StepOutcome::stepId)
            .toList();
    return stuck.isEmpty()
        ? "; undid this run's " + undone.size() + " applied step(s)"
        : "; could not undo " + String.join(", ", stuck) + " (see the journal)";
  }

  /**
   * Turns a failed or interrupted run into the exception the CLI reports; a run with only
   * non-critical failures returns normally (the caller reports exit 3).
   */
  public void throwIfFailed() {
    if (interrupted()) {
      throw new KldloadException(
          ErrorKind.INTERRUPTED,
          planName + ": interrupted",
          "re-run the same command to resume; finished steps are skipped");
    }
    List<StepOutcome> critical = criticalFailures();
    if (critical.isEmpty()) {
      return;
    }
    StepOutcome first = critical.get(0);
    String hint =
        first.error().orElse(null) instanceof KldloadException e && e.hint().isPresent()
            ? e.hint().get()
            : undone.isEmpty()
                ? "fix the cause and re-run the same command; finished steps are skipped"
                : "fix the cause and re-run the same command";
    ErrorKind kind =
        critical.size() == 1 && first.error().orElse(null) instanceof KldloadException e
            ? e.kind()
            : ErrorKind.FAILED;
    String more = critical.size() > 1 ? " (and " + (critical.size() - 1) + " more)" : "";
    throw new KldloadException(
        kind,
        planName
            + ": step "
            + first.stepId()
            + " failed: "
            + first.errorMessage()
            + more
            + undoSummary(),
        hint,
        first.error().orElse(null));
  }
}
