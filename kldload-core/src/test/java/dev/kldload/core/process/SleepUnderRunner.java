package dev.kldload.core.process;

import java.time.Duration;

/** Runs {@code sleep 120} through the real runner; {@link ProcessRunnerTest} kills this JVM. */
public final class SleepUnderRunner {
  private SleepUnderRunner() {}

  public static void main(String[] args) {
    new SystemProcessRunner()
        .run(ProcessSpec.of("sleep", "120").timeout(Duration.ofMinutes(3)).build());
  }
}
