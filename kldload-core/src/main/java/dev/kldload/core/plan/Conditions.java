package dev.kldload.core.plan;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Waits on conditions with a deadline (a lease appeared, SSH answers, a node is Ready): polls with
 * backoff from {@code initialDelay} up to {@code maxDelay}, honours cancellation, and fails with
 * {@link ErrorKind#TIMEOUT} naming what it waited for and the last thing it saw. Never a fixed
 * sleep.
 */
public final class Conditions {
  /** How the waiter sleeps; tests replace it with a fake clock. */
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    long nanoTime();
  }

  public static final Sleeper SYSTEM =
      new Sleeper() {
        @Override
        public void sleep(Duration duration) throws InterruptedException {
          Thread.sleep(duration.toMillis());
        }

        @Override
        public long nanoTime() {
          return System.nanoTime();
        }
      };

  private final Sleeper sleeper;
  private final CancellationToken cancellation;
  private final Duration initialDelay;
  private final Duration maxDelay;

  public Conditions(
      Sleeper sleeper, CancellationToken cancellation, Duration initialDelay, Duration maxDelay) {
    this.sleeper = sleeper;
    this.cancellation = cancellation;
    this.initialDelay = initialDelay;
    this.maxDelay = maxDelay;
  }

  public static Conditions system(CancellationToken cancellation) {
    return new Conditions(SYSTEM, cancellation, Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  /**
   * Polls {@code probe} until it returns a value. An exception from the probe counts as "not yet"
   * and is reported in the timeout message.
   */
  public <T> T await(String what, Duration timeout, Callable<Optional<T>> probe)
      throws InterruptedException {
    long deadline = sleeper.nanoTime() + timeout.toNanos();
    Duration delay = initialDelay;
    String lastSeen = null;
    while (true) {
      cancellation.throwIfCancelled();
      try {
        Optional<T> value = probe.call();
        if (value.isPresent()) {
          return value.get();
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        lastSeen = e.getMessage();
      }
      long left = deadline - sleeper.nanoTime();
      if (left <= 0) {
        throw new KldloadException(
            ErrorKind.TIMEOUT,
            "timed out after " + human(timeout) + " waiting for " + what,
            lastSeen == null
                ? "raise the timeout or check why it never happened"
                : "last seen: " + lastSeen);
      }
      sleeper.sleep(Duration.ofNanos(Math.min(delay.toNanos(), left)));
      delay = delay.multipliedBy(2).compareTo(maxDelay) > 0 ? maxDelay : delay.multipliedBy(2);
    }
  }

  /** {@link #await} for a yes/no condition. */
  public void awaitTrue(String what, Duration timeout, Callable<Boolean> condition)
      throws InterruptedException {
    await(what, timeout, () -> condition.call() ? Optional.of(Boolean.TRUE) : Optional.empty());
  }

  private static String human(Duration d) {
    return d.toSeconds() >= 1 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
