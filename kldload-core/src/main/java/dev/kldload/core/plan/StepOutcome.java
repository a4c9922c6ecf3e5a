package dev.kldload.core.plan;

import java.time.Duration;
import java.util.Optional;

/** The end of one step in one run. */
public record StepOutcome(
    String stepId,
    String description,
    StepStatus status,
    Duration elapsed,
    boolean critical,
    Optional<Throwable> error,
    Optional<String> reason) {

  public String errorMessage() {
    return error
        .map(e -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
        .or(() -> reason)
        .orElse("");
  }
}
