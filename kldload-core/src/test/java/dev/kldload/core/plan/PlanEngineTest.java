package dev.kldload.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class PlanEngineTest {
  /** A world of named facts that steps observe and create, like datasets on a pool. */
  static final class World {
    final Set<String> facts = ConcurrentHashMap.newKeySet();
    final List<String> applied = new CopyOnWriteArrayList<>();

    /** Like {@link #make}, with an undo that removes the fact again. */
    Step reversible(String id, String... deps) {
      return Step.named(id)
          .description("create " + id)
          .after(deps)
          .creates("fact/" + id)
          .doneWhen(ctx -> facts.contains(id))
          .undo(ctx -> facts.remove(id))
          .apply(
              ctx -> {
                applied.add(id);
                facts.add(id);
              });
    }

    Step failing(String id, String... deps) {
      return Step.named(id)
          .after(deps)
          .doneWhen(ctx -> false)
          .apply(
              ctx -> {
                throw new IllegalStateException(id + " broke");
              });
    }

    Step make(String id, String... deps) {
      return Step.named(id)
          .description("create " + id)
          .after(deps)
          .doneWhen(ctx -> facts.contains(id))
          .apply(
              ctx -> {
                for (String dep : deps) {
                  assertThat(facts).as("%s runs after %s", id, dep).contains(dep);
                }
                applied.add(id);
                facts.add(id);
              });
    }
  }

  @Test
  @DisplayName("dependencies run before their dependents")
  void ordering() {
    World world = new World();
    Plan plan =
        Plan.builder("order")
            .add(world.make("d", "b", "c"))
            .add(world.make("b", "a"))
            .add(world.make("c", "a"))
            .add(world.make("a"))
            .build();
    assertThat(plan.ordered()).extracting(Step::id).containsExactly("a", "b", "c", "d");
    PlanResult result = PlanEngine.quiet(4).run(plan, false);
    assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
    assertThat(world.applied.indexOf("a")).isLessThan(world.applied.indexOf("b"));
    assertThat(world.applied.indexOf("c")).isLessThan(world.applied.indexOf("d"));
    assertThat(world.applied).hasSize(4);
  }

  @Test
  @Timeout(10)
  @DisplayName("independent steps really overlap in time")
  void parallelism() {
    CountDownLatch bothRunning = new CountDownLatch(2);
    StepBuilder.Action meet =
        ctx -> {
          bothRunning.countDown();
          assertThat(bothRunning.await(5, TimeUnit.SECONDS))
              .as("the other step runs at the same time")
              .isTrue();
        };
    Plan plan =
        Plan.builder("parallel")
            .add(Step.named("left").doneWhen(ctx -> false).apply(meet))
            .add(Step.named("right").doneWhen(ctx -> false).apply(meet))
            .build();
    PlanResult result = PlanEngine.quiet(2).run(plan, false);
    assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
  }

  @Test
  @DisplayName("a failed step cancels its dependents while siblings finish; the run exits 1")
  void failureCancelsDependents() {
    World world = new World();
    Plan plan =
        Plan.builder("fail")
            .add(world.make("a"))
            .add(
                Step.named("broken")
                    .after("a")
                    .doneWhen(ctx -> false)
                    .apply(
                        ctx -> {
                          throw new IllegalStateException("disk full");
                        }))
            .add(world.make("after-broken", "broken"))
            .add(world.make("sibling", "a"))
            .build();
    PlanResult result = PlanEngine.quiet(2).run(plan, false);
    assertThat(result.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(status(result, "broken")).isEqualTo(StepStatus.FAILED);
    assertThat(status(result, "after-broken")).isEqualTo(StepStatus.CANCELLED);
    assertThat(status(result, "sibling")).isEqualTo(StepStatus.APPLIED);
    assertThatThrownBy(result::throwIfFailed)
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining("step broken failed: disk full");
  }

  @Test
  @DisplayName("a single failing step keeps its own error kind (not found exits 4)")
  void failureKeepsKind() {
    Plan plan =
        Plan.builder("kind")
            .add(
                Step.named("lookup")
                    .doneWhen(ctx -> false)
                    .apply(
                        ctx -> {
                          throw KldloadException.notFound(
                              "vm web01 does not exist", "list with kvm-list");
                        }))
            .build();
    PlanResult result = PlanEngine.quiet(1).run(plan, false);
    assertThat(result.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
    assertThatThrownBy(result::throwIfFailed)
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
              assertThat(e.hint()).contains("list with kvm-list");
            });
  }

  @Test
  @DisplayName("a failed non-critical step makes the run degraded (exit 3), not failed")
  void nonCritical() {
    World world = new World();
    Plan plan =
        Plan.builder("degraded")
            .add(world.make("a"))
            .add(
                Step.named("smoke")
                    .nonCritical()
                    .doneWhen(ctx -> false)
                    .apply(
                        ctx -> {
                          throw new IllegalStateException("one check failed");
                        }))
            .build();
    PlanResult result = PlanEngine.quiet(2).run(plan, false);
    assertThat(result.exitCode()).isEqualTo(ExitCode.DEGRADED);
    result.throwIfFailed();
  }

  @Test
  @DisplayName("a re-run after an injected failure skips finished steps and completes the rest")
  void resume(@TempDir Path dir) {
    World world = new World();
    AtomicBoolean failOnce = new AtomicBoolean(true);
    Plan plan =
        Plan.builder("resume")
            .add(world.make("a"))
            .add(
                Step.named("flaky")
                    .after("a")
                    .doneWhen(ctx -> world.facts.contains("flaky"))
                    .apply(
                        ctx -> {
                          if (failOnce.getAndSet(false)) {
                            throw new IllegalStateException("network blip");
                          }
                          world.applied.add("flaky");
                          world.facts.add("flaky");
                        }))
            .add(world.make("c", "flaky"))
            .build();
    Journal journal = new Journal(dir.resolve("journal.jsonl"));
    PlanEngine engine =
        new PlanEngine(
            2,
            Optional.of(journal),
            ProgressListener.NONE,
            new CancellationToken(),
            Clock.systemUTC());

    PlanResult first = engine.run(plan, false);
    assertThat(first.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(journal.lastRun())
        .get()
        .satisfies(
            steps -> {
              assertThat(steps).containsEntry("a", "applied").containsEntry("flaky", "failed");
              assertThat(steps).containsEntry("c", "cancelled");
            });

    PlanResult second = engine.run(plan, false);
    assertThat(second.exitCode()).isEqualTo(ExitCode.OK);
    assertThat(status(second, "a")).isEqualTo(StepStatus.ALREADY_DONE);
    assertThat(status(second, "flaky")).isEqualTo(StepStatus.APPLIED);
    assertThat(status(second, "c")).isEqualTo(StepStatus.APPLIED);
    assertThat(world.applied).containsExactly("a", "flaky", "c");
    assertThat(journal.read()).extracting(Journal.Event::event).contains("run-started", "run-ok");
  }

  @Test
  @Timeout(10)
  @DisplayName("cancellation interrupts running steps, starts nothing new, journals it, exits 130")
  void cancellation(@TempDir Path dir) throws Exception {
    World world = new World();
    CancellationToken token = new CancellationToken();
    CountDownLatch started = new CountDownLatch(1);
    Plan plan =
        Plan.builder("cancel")
            .add(
                Step.named("long")
                    .doneWhen(ctx -> false)
                    .apply(
                        ctx -> {
                          started.countDown();
                          Thread.sleep(60_000);
                        }))
            .add(world.make("later", "long"))
            .build();
    Journal journal = new Journal(dir.resolve("j.jsonl"));
    PlanEngine engine =
        new PlanEngine(2, Optional.of(journal), ProgressListener.NONE, token, Clock.systemUTC());
    Thread canceller =
        new Thread(
            () -> {
              try {
                started.await();
                token.cancel();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    canceller.start();
    PlanResult result = engine.run(plan, false);
    canceller.join();
    assertThat(result.exitCode()).isEqualTo(ExitCode.INTERRUPTED);
    assertThat(status(result, "long")).isEqualTo(StepStatus.INTERRUPTED);
    assertThat(status(result, "later")).isEqualTo(StepStatus.CANCELLED);
    assertThat(world.applied).isEmpty();
    assertThat(journal.lastRun())
        .get()
        .satisfies(
            steps -> {
              assertThat(steps)
                  .containsEntry("long", "interrupted")
                  .containsEntry("later", "cancelled");
              assertThat(steps).containsEntry("", "run-interrupted");
            });
    assertThatThrownBy(result::throwIfFailed)
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERRUPTED));
  }

  @Test
  @DisplayName("dry-run lists the ordered plan, observes isDone and applies nothing")
  void dryRun() {
    World world = new World();
    world.facts.add("a");
    Plan plan =
        Plan.builder("dry")
            .add(world.make("b", "a"))
            .add(world.make("a"))
            .add(
                Step.named("observer-fails")
                    .after("b")
                    .doneWhen(
                        ctx -> {
                          throw new IllegalStateException("pool does not exist yet");
                        })
                    .apply(ctx -> world.applied.add("observer-fails")))
            .build();
    PlanResult result = PlanEngine.quiet(2).run(plan, true);
    assertThat(result.dryRun()).isTrue();
    assertThat(result.outcomes())
        .extracting(StepOutcome::stepId, StepOutcome::status)
        .containsExactly(
            tuple("a", StepStatus.PLANNED_DONE),
            tuple("b", StepStatus.PLANNED),
            tuple("observer-fails", StepStatus.PLANNED));
    assertThat(world.applied).isEmpty();
    assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
  }

  @Test
  @DisplayName("a plan with a cycle or an unknown dependency is refused at build time")
  void invalidGraphs() {
    World world = new World();
    assertThatThrownBy(
            () -> Plan.builder("cycle").add(world.make("a", "b")).add(world.make("b", "a")).build())
        .hasMessageContaining("cycle");
    assertThatThrownBy(() -> Plan.builder("unknown").add(world.make("a", "ghost")).build())
        .hasMessageContaining("unknown step ghost");
    assertThatThrownBy(() -> Plan.builder("dup").add(world.make("a")).add(world.make("a")).build())
        .hasMessageContaining("two steps named a");
  }

  @Test
  @DisplayName(
      "a failed run undoes the steps it applied, newest first, not those done before it; journalled")
  void undoOnFailure(@TempDir Path dir) {
    World world = new World();
    world.facts.add("earlier");
    List<String> undoOrder = new CopyOnWriteArrayList<>();
    ProgressListener progress =
        new ProgressListener() {
          @Override
          public void stepUndone(StepOutcome outcome) {
            undoOrder.add(outcome.stepId());
          }
        };
    Plan plan =
        Plan.builder("undo")
            .add(world.reversible("earlier"))
            .add(world.reversible("disk", "earlier"))
            .add(world.reversible("seed", "disk"))
            .add(world.failing("define", "seed"))
            .build();
    Journal journal = new Journal(dir.resolve("j.jsonl"));
    PlanEngine engine =
        new PlanEngine(
            2, Optional.of(journal), progress, new CancellationToken(), Clock.systemUTC());

    PlanResult result = engine.run(plan, false);

    assertThat(result.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(world.facts).containsExactly("earlier");
    assertThat(undoOrder).containsExactly("seed", "disk");
    assertThat(result.undone()).extracting(StepOutcome::status).containsOnly(StepStatus.UNDONE);
    assertThat(journal.read())
        .filteredOn(e -> "disk".equals(e.step()))
        .extracting(Journal.Event::event, Journal.Event::creates)
        .containsExactly(
            tuple("started", null),
            tuple("applied", List.of("fact/disk")),
            tuple("undone", List.of("fact/disk")));
    assertThatThrownBy(result::throwIfFailed)
        .hasMessageContaining("step define failed: define broke")
        .hasMessageContaining("undid this run's 2 applied step(s)")
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> assertThat(e.hint()).get().asString().doesNotContain("skipped"));
  }

  @Test
  @DisplayName("an undo that fails is reported and the other undos still run")
  void undoFailure() {
    World world = new World();
    Plan plan =
        Plan.builder("undo-fail")
            .add(world.reversible("a"))
            .add(
                Step.named("stuck")
                    .after("a")
                    .doneWhen(ctx -> false)
                    .undo(
                        ctx -> {
                          throw new IllegalStateException("busy");
                        })
                    .apply(ctx -> world.facts.add("stuck")))
            .add(world.failing("boom", "stuck"))
            .build();

    PlanResult result = PlanEngine.quiet(2).run(plan, false);

    assertThat(result.undone())
        .extracting(StepOutcome::stepId, StepOutcome::status)
        .containsExactly(tuple("stuck", StepStatus.UNDO_FAILED), tuple("a", StepStatus.UNDONE));
    assertThat(world.facts).containsExactly("stuck");
    assertThatThrownBy(result::throwIfFailed).hasMessageContaining("could not undo stuck");
  }

  @Test
  @Timeout(10)
  @DisplayName("an interrupted run undoes nothing, so that a re-run resumes from what it did")
  void noUndoOnInterrupt() throws Exception {
    World world = new World();
    CancellationToken token = new CancellationToken();
    CountDownLatch started = new CountDownLatch(1);
    Plan plan =
        Plan.builder("interrupt")
            .add(world.reversible("disk"))
            .add(
                Step.named("long")
                    .after("disk")
                    .doneWhen(ctx -> false)
                    .apply(
                        ctx -> {
                          started.countDown();
                          Thread.sleep(60_000);
                        }))
            .build();
    PlanEngine engine =
        new PlanEngine(2, Optional.empty(), ProgressListener.NONE, token, Clock.systemUTC());
    Thread canceller =
        new Thread(
            () -> {
              try {
                started.await();
                token.cancel();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    canceller.start();
    PlanResult result = engine.run(plan, false);
    canceller.join();

    assertThat(result.exitCode()).isEqualTo(ExitCode.INTERRUPTED);
    assertThat(result.undone()).isEmpty();
    assertThat(world.facts).containsExactly("disk");
  }

  @Test
  @DisplayName("a degraded run (only non-critical failures) keeps what it applied")
  void noUndoWhenDegraded() {
    World world = new World();
    Plan plan =
        Plan.builder("degraded")
            .add(world.reversible("a"))
            .add(
                Step.named("optional")
                    .nonCritical()
                    .doneWhen(ctx -> false)
                    .apply(
                        ctx -> {
                          throw new IllegalStateException("no metrics");
                        }))
            .build();
    PlanResult result = PlanEngine.quiet(1).run(plan, false);
    assertThat(result.exitCode()).isEqualTo(ExitCode.DEGRADED);
    assertThat(world.facts).containsExactly("a");
  }

  private static StepStatus status(PlanResult result, String id) {
    return result.outcomes().stream()
        .filter(o -> o.stepId().equals(id))
        .findFirst()
        .orElseThrow()
        .status();
  }
}
