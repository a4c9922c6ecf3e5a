package dev.kldload.core.process;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.time.Duration;
import java.util.List;

/**
 * Runs external programs from argument lists. Implementations: {@link SystemProcessRunner} (real),
 * and {@link DryRunProcessRunner} which records mutating calls instead of running them.
 */
public interface ProcessRunner {

  /** Runs the program and returns its result whatever the exit status. */
  ProcessResult run(ProcessSpec spec);

  default ProcessResult run(List<String> argv, Duration timeout) {
    return run(ProcessSpec.of(argv).timeout(timeout).build());
  }

  /**
   * Runs the program and fails unless it exits 0. The error names the program and the tail of its
   * stderr.
   */
  default ProcessResult check(ProcessSpec spec) {
    ProcessResult result = run(spec);
    if (!result.ok()) {
      throw new KldloadException(
          ErrorKind.FAILED,
          spec.program() + " exited " + result.exitCode() + ": " + result.errorTail(),
          "the command was: " + spec.display());
    }
    return result;
  }

  default ProcessResult check(String... argv) {
    return check(ProcessSpec.of(argv).build());
  }

  /** Whether this runner really changes the system (false in dry-run). */
  default boolean mutates() {
    return true;
  }
}
