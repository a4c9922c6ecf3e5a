package dev.kldload.kube.smoke;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs checks one after another, each on its own thread with a deadline: a check that does not
 * answer in time is interrupted and reported (FAIL for a critical one, cause TIMEOUT), so a hung
 * API server never hangs the run. Cancellation (Ctrl-C) interrupts the running check, waits for its
 * cleanup (a test pod's deletion) and stops; the report then says it was interrupted.
 */
public final class SmokeRunner {
  /** How long an interrupted check may take to clean up (delete its pod) before the run goes on. */
  static final Duration CLEANUP_GRACE = Duration.ofSeconds(10);

  private final CancellationToken cancellation;
  private final Clock clock;

  public SmokeRunner(CancellationToken cancellation, Clock clock) {
    this.cancellation = cancellation;
    this.clock = clock;
  }

  public SmokeReport run(List<Check> checks, SmokeContext context, Consumer<CheckResult> progress) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    List<CheckResult> results = new ArrayList<>();
    boolean interrupted = false;
    ExecutorService pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "smoke-check");
              t.setDaemon(true);
              return t;
            });
    try {
      for (Check check : checks) {
        if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
          interrupted = true;
          break;
        }
        CheckResult result = runOne(check, context, pool);
        results.add(result);
        progress.accept(result);
        if (cancellation.isCancelled()) {
          interrupted = true;
          break;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return new SmokeReport(started, Duration.ofNanos(System.nanoTime() - t0), results, interrupted);
  }

  private CheckResult runOne(Check check, SmokeContext context, ExecutorService pool) {
    long start = System.nanoTime();
    CountDownLatch done = new CountDownLatch(1);
    Future<Verdict> future =
        pool.submit(
            () -> {
              try {
                return check.probe().run(context);
              } finally {
                done.countDown();
              }
            });
    Runnable onCancel = () -> future.cancel(true);
    cancellation.onCancel(onCancel);
    Verdict verdict;
    try {
      verdict = future.get(context.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      awaitCleanup(done);
      verdict =
          Verdict.problem(
                  "no answer within " + human(context.timeout()),
                  "find what hangs, or raise --timeout")
              .because(ErrorKind.TIMEOUT);
    } catch (CancellationException e) {
      awaitCleanup(done);
      verdict = Verdict.skip("interrupted");
    } catch (InterruptedException e) {
      future.cancel(true);
      awaitCleanup(done);
      Thread.currentThread().interrupt();
      verdict = Verdict.skip("interrupted");
    } catch (ExecutionException e) {
      verdict = failure(e.getCause());
    } finally {
      cancellation.removeListener(onCancel);
    }
    context.record(check.id(), verdict);
    return new CheckResult(
        check.id(),
        check.section(),
        check.severity(),
        check.title(),
        check.outcome(verdict),
        verdict.evidence(),
        verdict.hint(),
        Duration.ofNanos(System.nanoTime() - start),
        verdict.cause());
  }

  private Verdict failure(Throwable cause) {
    if (cause instanceof InterruptedException) {
      return Verdict.skip("interrupted");
    }
    if (cause instanceof KldloadException k) {
      return Verdict.problem(k.getMessage(), k.hint().orElse(null)).because(k.kind());
    }
    String message = cause.getMessage();
    return Verdict.problem(
        cause.getClass().getSimpleName() + (message == null ? "" : ": " + message),
        "a bug in the check: report it with this line");
  }

  private static void awaitCleanup(CountDownLatch done) {
    try {
      done.await(CLEANUP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
