package dev.kldload.core.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

/** Machine-readable progress with {@code -o json}: one JSON event per line on stderr. */
public final class JsonProgress implements ProgressListener {
  private static final ObjectMapper JSON =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private final PrintWriter err;
  private final Clock clock;

  public JsonProgress(PrintWriter err, Clock clock) {
    this.err = err;
    this.clock = clock;
  }

  record Event(
      String time,
      String event,
      String plan,
      String step,
      String status,
      Long elapsedMs,
      String message) {}

  @Override
  public void planStarted(Plan plan, boolean dryRun) {
    emit(
        new Event(
            now(),
            dryRun ? "dry-run-started" : "plan-started",
            plan.name(),
            null,
            null,
            null,
            null));
  }

  @Override
  public void stepStarted(Step step) {
    emit(new Event(now(), "step-started", null, step.id(), null, null, null));
  }

  @Override
  public void stepNote(Step step, String message) {
    emit(new Event(now(), "step-note", null, step.id(), null, null, message));
  }

  @Override
  public void stepFinished(StepOutcome outcome) {
    String message = outcome.errorMessage();
    emit(
        new Event(
            now(),
            "step-finished",
            null,
            outcome.stepId(),
            outcome.status().journalName(),
            outcome.elapsed().toMillis(),
            message.isEmpty() ? null : message));
  }

  @Override
  public void stepUndone(StepOutcome outcome) {
    String message = outcome.errorMessage();
    emit(
        new Event(
            now(),
            "step-undone",
            null,
            outcome.stepId(),
            outcome.status().journalName(),
            outcome.elapsed().toMillis(),
            message.isEmpty() ? null : message));
  }

  @Override
  public void planFinished(PlanResult result) {
    emit(
        new Event(
            now(),
            "plan-finished",
            result.planName(),
            null,
            result.exitCode().name().toLowerCase(Locale.ROOT),
            result.elapsed().toMillis(),
            null));
  }

  private String now() {
    return Instant.now(clock).toString();
  }

  private synchronized void emit(Event event) {
    try {
      err.println(JSON.writeValueAsString(event));
      err.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
