package dev.kldload.core.plan;

import java.util.function.Consumer;

/** What a running step may use from the engine: cancellation and a way to report progress notes. */
public record StepContext(String stepId, CancellationToken cancellation, Consumer<String> notes) {

  /** Reports a progress detail ("waiting for DHCP lease") for this step. */
  public void note(String message) {
    notes.accept(message);
  }

  /**
   * Throws {@link InterruptedException} when the run was cancelled; long steps call it between
   * parts.
   */
  public void checkCancelled() throws InterruptedException {
    cancellation.throwIfCancelled();
  }
}
