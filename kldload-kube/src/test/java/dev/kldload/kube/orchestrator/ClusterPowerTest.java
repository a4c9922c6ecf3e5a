package dev.kldload.kube.orchestrator;

import static dev.kldload.kube.orchestrator.ClusterBootstrapTest.FAKE_ISO;
import static dev.kldload.kube.orchestrator.ClusterBootstrapTest.run;
import static dev.kldload.kube.orchestrator.ClusterBootstrapTest.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.ProgressListener;
import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.Hypervisor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start and stop plans over a cluster bootstrapped on the in-memory engines. */
class ClusterPowerTest {
  @TempDir Path tmp;

  /** A clock that moves only when the waiter sleeps: deadlines pass without real waiting. */
  static final class FakeTime implements Conditions.Sleeper {
    final AtomicLong nanos = new AtomicLong();
    Runnable onSleep = () -> {};

    @Override
    public void sleep(Duration duration) {
      nanos.addAndGet(duration.toNanos());
      onSleep.run();
    }

    @Override
    public long nanoTime() {
      return nanos.get();
    }
  }

  private static Conditions conditions(FakeTime time) {
    return new Conditions(
        time, new CancellationToken(), Duration.ofSeconds(1), Duration.ofSeconds(5));
  }

  private static ClusterBootstrapTest.Rig bootstrapped(Path dir, int workers) throws Exception {
    ClusterBootstrapTest.Rig rig = new ClusterBootstrapTest.Rig(dir, workers, FAKE_ISO);
    assertThat(run(rig.plan()).withStatus(StepStatus.FAILED)).isEmpty();
    return rig;
  }

  private static DomainState state(ClusterBootstrapTest.Rig rig, String name) {
    return rig.hypervisor.domain(name).orElseThrow().state();
  }

  @Test
  @DisplayName(
      "start 2 of 3 workers: the control plane first, then lab-w-1 and lab-w-2 after it; lab-w-3"
          + " stays off; a second run is all done")
  void startSomeWorkers() throws Exception {
    ClusterBootstrapTest.Rig rig = bootstrapped(tmp, 3);
    for (NodeRecord node : rig.manifest.nodes()) {
      rig.hypervisor.powerOff(node.name());
    }
    ClusterPower power =
        new ClusterPower(
            uri -> rig.hypervisor,
            conditions(new FakeTime()),
            ClusterPower.DEFAULT_SHUTDOWN_TIMEOUT);
    Plan plan = power.startPlan(rig.manifest, Optional.of(2));
    assertThat(plan.ordered())
        .extracting(Step::id)
        .containsExactly("start/lab-cp", "start/lab-w-1", "start/lab-w-2");
    assertThat(plan.step("start/lab-cp").dependsOn()).isEmpty();
    assertThat(plan.step("start/lab-w-1").dependsOn()).containsExactly("start/lab-cp");
    assertThat(plan.step("start/lab-w-2").dependsOn()).containsExactly("start/lab-cp");
    assertThat(statuses(run(plan))).containsOnly(StepStatus.APPLIED);
    assertThat(state(rig, "lab-cp")).isEqualTo(DomainState.RUNNING);
    assertThat(state(rig, "lab-w-1")).isEqualTo(DomainState.RUNNING);
    assertThat(state(rig, "lab-w-2")).isEqualTo(DomainState.RUNNING);
    assertThat(state(rig, "lab-w-3")).isEqualTo(DomainState.SHUT_OFF);
    assertThat(statuses(run(power.startPlan(rig.manifest, Optional.of(2)))))
        .containsOnly(StepStatus.ALREADY_DONE);

    // no number: every worker; a paused one is resumed
    rig.hypervisor.suspend("lab-w-1");
    PlanResult all = run(power.startPlan(rig.manifest, Optional.empty()));
    assertThat(all.withStatus(StepStatus.APPLIED))
        .extracting(o -> o.stepId())
        .containsExactlyInAnyOrder("start/lab-w-1", "start/lab-w-3");
    assertThat(rig.manifest.nodes())
        .allSatisfy(n -> assertThat(state(rig, n.name())).isEqualTo(DomainState.RUNNING));
    assertThat(power.startPlan(rig.manifest, Optional.of(0)).ordered())
        .extracting(Step::id)
        .containsExactly("start/lab-cp");
  }

  @Test
  @DisplayName(
      "start refuses a worker count beyond the cluster's, a missing domain and a foreign one")
  void startRefusals() throws Exception {
    ClusterBootstrapTest.Rig rig = new ClusterBootstrapTest.Rig(tmp, 1, FAKE_ISO);
    ClusterPower power =
        new ClusterPower(
            uri -> rig.hypervisor,
            conditions(new FakeTime()),
            ClusterPower.DEFAULT_SHUTDOWN_TIMEOUT);
    assertThatThrownBy(() -> power.startPlan(rig.manifest, Optional.of(2)))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT);
              assertThat(e.getMessage()).isEqualTo("cluster lab has 1 workers; cannot start 2");
            });
    assertThatThrownBy(() -> power.startPlan(rig.manifest, Optional.of(-1)))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT));
    assertThatThrownBy(() -> power.startPlan(rig.manifest, Optional.empty()))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION);
              assertThat(e.getMessage()).isEqualTo("node lab-cp has no domain on memory:///");
            });
    ClusterFixtures.foreignDomain(rig, "lab-cp");
    assertThatThrownBy(() -> power.stopPlan(rig.manifest))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
    assertThatThrownBy(() -> power.startPlan(rig.manifest, Optional.of(0)))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
    assertThat(state(rig, "lab-cp")).isEqualTo(DomainState.SHUT_OFF);
  }

  @Test
  @DisplayName(
      "stop: workers before the control plane, each shut down gracefully; nothing forced; a second"
          + " run is all done")
  void stopGracefully() throws Exception {
    ClusterBootstrapTest.Rig rig = bootstrapped(tmp, 2);
    FakeTime time = new FakeTime();
    ClusterPower power =
        new ClusterPower(
            uri -> rig.hypervisor, conditions(time), ClusterPower.DEFAULT_SHUTDOWN_TIMEOUT);
    ClusterPower.Stop stop = power.stopPlan(rig.manifest);
    Plan plan = stop.plan();
    assertThat(plan.ordered())
        .extracting(Step::id)
        .containsExactly("stop/lab-w-1", "stop/lab-w-2", "stop/lab-cp");
    assertThat(plan.step("stop/lab-cp").dependsOn())
        .containsExactlyInAnyOrder("stop/lab-w-1", "stop/lab-w-2");
    assertThat(plan.step("stop/lab-w-1").dependsOn()).isEmpty();
    assertThat(statuses(run(plan))).containsOnly(StepStatus.APPLIED);
    assertThat(stop.forced()).isEmpty();
    assertThat(rig.manifest.nodes())
        .allSatisfy(n -> assertThat(state(rig, n.name())).isEqualTo(DomainState.SHUT_OFF));
    assertThat(time.nanoTime()).isZero();
    assertThat(statuses(run(power.stopPlan(rig.manifest).plan())))
        .containsOnly(StepStatus.ALREADY_DONE);
  }

  @Test
  @DisplayName(
      "stop: guests that ignore ACPI are powered off when the 2 min deadline passes, and reported"
          + " as forced; one that shuts down late is not forced")
  void stopForcedAfterDeadline() throws Exception {
    ClusterBootstrapTest.Rig rig = bootstrapped(tmp, 2);
    FakeTime time = new FakeTime();
    Map<String, Long> asked = new ConcurrentHashMap<>();
    Hypervisor hung =
        ClusterFixtures.ignoringShutdown(rig.hypervisor, n -> asked.put(n, time.nanoTime()));
    // lab-w-2 acts on ACPI 30 s (of the fake clock) after it was asked
    time.onSleep =
        () -> {
          Long at = asked.get("lab-w-2");
          if (at != null
              && time.nanoTime() - at >= TimeUnit.SECONDS.toNanos(30)
              && state(rig, "lab-w-2") == DomainState.RUNNING) {
            rig.hypervisor.shutdown("lab-w-2");
          }
        };
    ClusterPower power =
        new ClusterPower(uri -> hung, conditions(time), ClusterPower.DEFAULT_SHUTDOWN_TIMEOUT);
    ClusterPower.Stop stop = power.stopPlan(rig.manifest);
    Map<String, String> notes = new ConcurrentHashMap<>();
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void stepNote(Step step, String message) {
            notes.put(step.id(), message);
          }
        };
    long start = System.nanoTime();
    PlanResult result =
        new PlanEngine(1, Optional.empty(), listener, new CancellationToken(), Clock.systemUTC())
            .run(stop.plan(), false);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(statuses(result)).containsOnly(StepStatus.APPLIED);
    assertThat(stop.forced()).containsExactly("lab-cp", "lab-w-1");
    assertThat(notes)
        .containsEntry("stop/lab-w-1", "forced: lab-w-1 did not shut down within 120s; powered off")
        .containsEntry("stop/lab-cp", "forced: lab-cp did not shut down within 120s; powered off")
        .doesNotContainKey("stop/lab-w-2");
    assertThat(rig.manifest.nodes())
        .allSatisfy(n -> assertThat(state(rig, n.name())).isEqualTo(DomainState.SHUT_OFF));
    // two full deadlines and lab-w-2's 30 s passed on the fake clock, not on the wall
    assertThat(time.nanoTime()).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(2 * 120 + 30));
    assertThat(ms).isLessThan(5000);
  }

  @Test
  @DisplayName("stop skips nodes without a domain (nothing runs there)")
  void stopSkipsMissing() throws Exception {
    ClusterBootstrapTest.Rig rig = new ClusterBootstrapTest.Rig(tmp, 1, FAKE_ISO);
    ClusterPower power =
        new ClusterPower(
            uri -> rig.hypervisor,
            conditions(new FakeTime()),
            ClusterPower.DEFAULT_SHUTDOWN_TIMEOUT);
    assertThat(power.stopPlan(rig.manifest).plan().ordered()).isEmpty();
    assertThat(state(rig, "web01")).isEqualTo(DomainState.RUNNING);
  }
}
