package dev.kldload.cli.support;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.ParseResult;

/**
 * Start-up work that a tool's command will certainly do first (loading libvirt, say), done by a
 * daemon thread while picocli builds the model and parses: on a second CPU it overlaps the ~30 ms
 * of picocli instead of adding to them (docs/performance.md). The command starts only after the
 * thread ends ({@link #strategy}), so none of the command's own code runs beside it and no class
 * initialisation of the two can interleave. The work reports nothing: what fails in it fails again,
 * and is reported, where the command first uses it.
 */
public final class WarmUp {
  /** No work: no thread. */
  public static final Runnable NOTHING = new Nothing();

  private static final WarmUp NONE = new WarmUp(null);

  private final Thread thread;

  private WarmUp(Thread thread) {
    this.thread = thread;
  }

  /** Starts {@code work} in a daemon thread, unless it is {@link #NOTHING}. */
  public static WarmUp start(Runnable work) {
    if (work == NOTHING) {
      return NONE;
    }
    Thread thread = new Thread(new Quiet(work), "kldload-warm-up");
    // a run that ends before the work (help, a bad option) does not wait for it
    thread.setDaemon(true);
    thread.start();
    return new WarmUp(thread);
  }

  /** A warm-up that does nothing (tests, help generators). */
  public static WarmUp none() {
    return NONE;
  }

  /** Waits until the work has ended. */
  public void await() {
    if (thread == null) {
      return;
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      // kept for the command, which sees it where it next waits
      Thread.currentThread().interrupt();
    }
  }

  /** picocli's default strategy (run the last subcommand), after {@link #await()}. */
  public IExecutionStrategy strategy() {
    return new AfterWarmUp(this);
  }

  private record AfterWarmUp(WarmUp warmUp) implements IExecutionStrategy {
    @Override
    public int execute(ParseResult parseResult) {
      warmUp.await();
      return new CommandLine.RunLast().execute(parseResult);
    }
  }

  /**
   * A class, not a lambda: the first lambda a run links sets up the JDK's lambda machinery (~3 ms),
   * which would delay the warm-up's start.
   */
  private static final class Nothing implements Runnable {
    @Override
    public void run() {
      // nothing to warm up
    }
  }

  private record Quiet(Runnable work) implements Runnable {
    @Override
    public void run() {
      try {
        work.run();
      } catch (RuntimeException | LinkageError e) {
        // the command's own first use fails the same way and reports it
      }
    }
  }
}
