package dev.kldload.core.plan;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one plan engine: runs a {@link Plan}'s steps with bounded parallelism, dependencies first. A
 * failed step cancels its dependents while independent steps finish; cancellation (Ctrl-C)
 * interrupts running steps, records them as interrupted and starts nothing new. When a run fails
 * (not when it is interrupted) the engine undoes the reversible steps this run applied, newest
 * first. Every event is journalled.
 */
public final class PlanEngine {
  static final String INTERRUPTED_REASON = "run interrupted";

  private final int parallelism;
  private final Optional<Journal> journal;
  private final ProgressListener progress;
  private final CancellationToken cancellation;
  private final Clock clock;

  public PlanEngine(
      int parallelism,
      Optional<Journal> journal,
      ProgressListener progress,
      CancellationToken cancellation,
      Clock clock) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.parallelism = parallelism;
    this.journal = journal;
    this.progress = progress;
    this.cancellation = cancellation;
    this.clock = clock;
  }

  /** Prints nothing, journals nothing: for tests and callers that only want the result. */
  public static PlanEngine quiet(int parallelism) {
    return new PlanEngine(
        parallelism,
        Optional.empty(),
        ProgressListener.NONE,
        new CancellationToken(),
        Clock.systemUTC());
  }

  public PlanResult run(Plan plan, boolean dryRun) {
    return dryRun ? dryRun(plan) : execute(plan);
  }

  /**
   * Dry-run: observes each step's {@code isDone()} (reads only) and reports what would be applied,
   * in order; never calls {@code apply()}.
   */
  private PlanResult dryRun(Plan plan) {
    long start = System.nanoTime();
    progress.planStarted(plan, true);
    List<StepOutcome> outcomes = new ArrayList<>();
    for (Step step : plan.ordered()) {
      boolean done;
      try {
        done = step.isDone(context(step));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        done = false;
      } catch (Exception e) {
        // a step whose prerequisites do not exist yet cannot observe itself: it would run
        done = false;
      }
      StepOutcome outcome =
          new StepOutcome(
              step.id(),
              step.description(),
              done ? StepStatus.PLANNED_DONE : StepStatus.PLANNED,
              Duration.ZERO,
              step.critical(),
              Optional.empty(),
              Optional.empty());
      outcomes.add(outcome);
      progress.stepFinished(outcome);
    }
    PlanResult result =
        new PlanResult(plan.name(), true, outcomes, Duration.ofNanos(System.nanoTime() - start));
    progress.planFinished(result);
    return result;
  }

  private PlanResult execute(Plan plan) {
    long start = System.nanoTime();
    String runId = UUID.randomUUID().toString();
    progress.planStarted(plan, false);
    record(runId, plan, "run-started", null, null, null);

    Map<String, StepOutcome> outcomes = new HashMap<>();
    // the order in which this run applied steps: undo walks it backwards
    List<String> applied = new CopyOnWriteArrayList<>();
    // every submitted task runs and reports (the pool is only shut down after the loop), so the
    // loop
    // ends when all of them have; a task registers its thread so that cancellation can interrupt it
    Map<String, Thread> threads = new ConcurrentHashMap<>();
    Set<String> running = new HashSet<>();
    LinkedBlockingQueue<StepOutcome> finished = new LinkedBlockingQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, threads(plan.name()));
    Runnable interruptAll = () -> threads.values().forEach(Thread::interrupt);
    cancellation.onCancel(interruptAll);
    try {
      while (true) {
        if (!cancellation.isCancelled()) {
          for (Step step : plan.ordered()) {
            if (outcomes.containsKey(step.id()) || running.contains(step.id())) {
              continue;
            }
            Optional<String> blocked = blockedBy(step, outcomes);
            if (blocked.isPresent()) {
              StepOutcome cancelled =
                  outcome(step, StepStatus.CANCELLED, Duration.ZERO, null, blocked.get());
              outcomes.put(step.id(), cancelled);
              record(runId, plan, "cancelled", step.id(), null, blocked.get());
              progress.stepFinished(cancelled);
              continue;
            }
            if (step.dependsOn().stream().allMatch(outcomes::containsKey)) {
              running.add(step.id());
              pool.execute(
                  () -> {
                    threads.put(step.id(), Thread.currentThread());
                    try {
                      StepOutcome outcome = runStep(runId, plan, step);
                      if (outcome.status() == StepStatus.APPLIED) {
                        applied.add(step.id());
                      }
                      finished.add(outcome);
                    } finally {
                      threads.remove(step.id());
                      Thread.interrupted();
                    }
                  });
            }
          }
        }
        if (running.isEmpty()) {
          break;
        }
        StepOutcome done = finished.poll(100, TimeUnit.MILLISECONDS);
        if (done == null) {
          continue;
        }
        running.remove(done.stepId());
        outcomes.put(done.stepId(), done);
      }
    } catch (InterruptedException e) {
      // the caller's thread was interrupted: treat it as Ctrl-C and let running steps report
      cancellation.cancel();
      drain(running, finished, outcomes);
      Thread.currentThread().interrupt();
    } finally {
      cancellation.removeListener(interruptAll);
      pool.shutdownNow();
      awaitQuietly(pool);
      finished.forEach(o -> outcomes.put(o.stepId(), o));
    }

    List<StepOutcome> ordered = new ArrayList<>();
    for (Step step : plan.ordered()) {
      StepOutcome outcome = outcomes.get(step.id());
      if (outcome == null) {
        outcome = outcome(step, StepStatus.CANCELLED, Duration.ZERO, null, INTERRUPTED_REASON);
        record(runId, plan, "cancelled", step.id(), null, INTERRUPTED_REASON);
        progress.stepFinished(outcome);
      }
      ordered.add(outcome);
    }
    PlanResult failed =
        new PlanResult(plan.name(), false, ordered, Duration.ofNanos(System.nanoTime() - start));
    List<StepOutcome> undone =
        failed.interrupted()
                || failed.exitCode() == ExitCode.OK
                || failed.exitCode() == ExitCode.DEGRADED
            ? List.of()
            : undo(runId, plan, applied);
    PlanResult result =
        new PlanResult(
            plan.name(), false, ordered, undone, Duration.ofNanos(System.nanoTime() - start));
    record(
        runId,
        plan,
        "run-" + (result.interrupted() ? "interrupted" : result.exitCode().name().toLowerCase()),
        null,
        result.elapsed().toMillis(),
        null);
    progress.planFinished(result);
    return result;
  }

  /**
   * Reverses this run's applied steps, newest first, each once; an undo that fails is recorded and
   * the rest still run (what one leaves behind must not stop the others being cleaned).
   */
  private List<StepOutcome> undo(String runId, Plan plan, List<String> applied) {
    List<StepOutcome> out = new ArrayList<>();
    for (int i = applied.size() - 1; i >= 0; i--) {
      Step step = plan.step(applied.get(i));
      if (!step.reversible()) {
        continue;
      }
      long start = System.nanoTime();
      StepOutcome outcome;
      try {
        // the run is over, cancellation included: undo must not be cut short by it
        step.undo(
            new StepContext(step.id(), new CancellationToken(), m -> progress.stepNote(step, m)));
        outcome = outcome(step, StepStatus.UNDONE, since(start), null, null);
      } catch (Exception | LinkageError | AssertionError e) {
        outcome = outcome(step, StepStatus.UNDO_FAILED, since(start), e, null);
      }
      record(
          runId,
          plan,
          outcome.status().journalName(),
          step.id(),
          outcome.elapsed().toMillis(),
          outcome.status() == StepStatus.UNDO_FAILED ? outcome.errorMessage() : null,
          step.creates());
      progress.stepUndone(outcome);
      out.add(outcome);
    }
    return out;
  }

  private StepOutcome runStep(String runId, Plan plan, Step step) {
    StepOutcome outcome;
    if (cancellation.isCancelled()) {
      outcome = outcome(step, StepStatus.CANCELLED, Duration.ZERO, null, INTERRUPTED_REASON);
      record(runId, plan, "cancelled", step.id(), null, INTERRUPTED_REASON);
      progress.stepFinished(outcome);
      return outcome;
    }
    long start = System.nanoTime();
    progress.stepStarted(step);
    record(runId, plan, "started", step.id(), null, null);
    StepContext context = context(step);
    try {
      if (step.isDone(context)) {
        outcome = outcome(step, StepStatus.ALREADY_DONE, since(start), null, null);
      } else {
        context.checkCancelled();
        step.apply(context);
        outcome = outcome(step, StepStatus.APPLIED, since(start), null, null);
      }
    } catch (InterruptedException e) {
      outcome = outcome(step, StepStatus.INTERRUPTED, since(start), null, INTERRUPTED_REASON);
    } catch (Exception | LinkageError | AssertionError e) {
      if (cancellation.isCancelled() && isInterruption(e)) {
        outcome = outcome(step, StepStatus.INTERRUPTED, since(start), null, INTERRUPTED_REASON);
      } else {
        outcome = outcome(step, StepStatus.FAILED, since(start), e, null);
      }
    }
    record(
        runId,
        plan,
        outcome.status().journalName(),
        step.id(),
        outcome.elapsed().toMillis(),
        outcome.status() == StepStatus.FAILED ? outcome.errorMessage() : null,
        outcome.status() == StepStatus.APPLIED ? step.creates() : List.of());
    progress.stepFinished(outcome);
    return outcome;
  }

  private static void drain(
      Set<String> running,
      LinkedBlockingQueue<StepOutcome> finished,
      Map<String, StepOutcome> outcomes) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!running.isEmpty() && System.nanoTime() < deadline) {
      try {
        StepOutcome done = finished.poll(100, TimeUnit.MILLISECONDS);
        if (done != null) {
          running.remove(done.stepId());
          outcomes.put(done.stepId(), done);
        }
      } catch (InterruptedException again) {
        // keep draining until the deadline: the journal must say how each running step ended
      }
    }
  }

  private static boolean isInterruption(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException
          || t instanceof ClosedByInterruptException
          || (t instanceof KldloadException k && k.kind() == ErrorKind.INTERRUPTED)) {
        return true;
      }
    }
    return false;
  }

  private Optional<String> blockedBy(Step step, Map<String, StepOutcome> outcomes) {
    for (String dep : step.dependsOn()) {
      StepOutcome outcome = outcomes.get(dep);
      if (outcome != null && !outcome.status().succeeded()) {
        return Optional.of("dependency " + dep + " " + outcome.status().label());
      }
    }
    return Optional.empty();
  }

  private StepContext context(Step step) {
    return new StepContext(step.id(), cancellation, message -> progress.stepNote(step, message));
  }

  private static StepOutcome outcome(
      Step step, StepStatus status, Duration elapsed, Throwable error, String reason) {
    return new StepOutcome(
        step.id(),
        step.description(),
        status,
        elapsed,
        step.critical(),
        Optional.ofNullable(error),
        Optional.ofNullable(reason));
  }

  private void record(
      String runId, Plan plan, String event, String stepId, Long elapsedMs, String error) {
    record(runId, plan, event, stepId, elapsedMs, error, List.of());
  }

  /**
   * {@code creates} is what the step made (or, for an undo, removed); journalled when not empty.
   */
  private void record(
      String runId,
      Plan plan,
      String event,
      String stepId,
      Long elapsedMs,
      String error,
      List<String> creates) {
    journal.ifPresent(
        j ->
            j.append(
                new Journal.Event(
                    Instant.now(clock).toString(),
                    runId,
                    plan.name(),
                    event,
                    stepId,
                    elapsedMs,
                    error,
                    creates.isEmpty() ? null : List.copyOf(creates))));
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static void awaitQuietly(ExecutorService pool) {
    try {
      pool.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory threads(String planName) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "plan-" + planName + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
