package dev.kldload.core.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Dry-run: read-only calls go to the real runner (a plan must still observe the world), mutating
 * calls are recorded and answered with success and empty output.
 */
public final class DryRunProcessRunner implements ProcessRunner {
  private final ProcessRunner reads;
  private final List<ProcessSpec> recorded = new ArrayList<>();

  public DryRunProcessRunner(ProcessRunner reads) {
    this.reads = reads;
  }

  @Override
  public ProcessResult run(ProcessSpec spec) {
    if (spec.readOnly()) {
      return reads.run(spec);
    }
    synchronized (recorded) {
      recorded.add(spec);
    }
    return new ProcessResult(spec, 0, "", "", Duration.ZERO);
  }

  /** The mutating calls that would have run, in order. */
  public List<ProcessSpec> recorded() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  @Override
  public boolean mutates() {
    return false;
  }
}
