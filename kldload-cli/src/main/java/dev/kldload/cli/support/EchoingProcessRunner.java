package dev.kldload.cli.support;

import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * With {@code -vv} every program a command runs is shown on stderr as it starts ({@code $ wg show
 * …}), marked when a dry-run only records it; {@code -vvv} adds how each one ended. Standard input
 * is never shown: it carries private keys.
 */
public final class EchoingProcessRunner implements ProcessRunner {
  private final ProcessRunner delegate;
  private final PrintWriter err;
  private final int verbosity;

  private EchoingProcessRunner(ProcessRunner delegate, PrintWriter err, int verbosity) {
    this.delegate = delegate;
    this.err = err;
    this.verbosity = verbosity;
  }

  /** {@code runner} itself below {@code -vv}. */
  public static ProcessRunner at(int verbosity, ProcessRunner runner, PrintWriter err) {
    return verbosity >= 2 ? new EchoingProcessRunner(runner, err, verbosity) : runner;
  }

  @Override
  public ProcessResult run(ProcessSpec spec) {
    boolean recordedOnly = !delegate.mutates() && !spec.readOnly();
    print("    $ " + spec.display() + (recordedOnly ? "   (dry-run: not run)" : ""));
    ProcessResult result = delegate.run(spec);
    if (verbosity >= 3 && !recordedOnly) {
      print(
          String.format(
              Locale.ROOT,
              "      exit %d in %.2fs%s",
              result.exitCode(),
              result.elapsed().toMillis() / 1000.0,
              result.ok() ? "" : ": " + result.errorTail()));
    }
    return result;
  }

  @Override
  public boolean mutates() {
    return delegate.mutates();
  }

  private void print(String line) {
    synchronized (err) {
      err.println(line);
      err.flush();
    }
  }
}
