package dev.kldload.zfs.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import dev.kldload.zfs.InMemoryZfs;
import dev.kldload.zfs.Ownership;
import dev.kldload.zfs.Snapshot;
import dev.kldload.zfs.retention.RetentionEngine.Action;
import dev.kldload.zfs.retention.RetentionEngine.Decision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RetentionEngineTest {
  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    Instant now;

    MovingClock(Instant start) {
      now = start;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private MovingClock clock;
  private InMemoryZfs zfs;
  private RetentionEngine engine;
  private final RetentionPolicy policy = RetentionPolicy.defaults();

  @BeforeEach
  void setUp() {
    clock = new MovingClock(Instant.parse("2026-01-01T00:30:00Z"));
    zfs = InMemoryZfs.withPool(clock, "rpool", ByteSize.parse("100G"));
    for (String d :
        List.of(
            "rpool/ROOT",
            "rpool/ROOT/debian",
            "rpool/srv",
            "rpool/var",
            "rpool/var/lib",
            "rpool/var/lib/containers")) {
      zfs.createFilesystem(DatasetName.of(d), Map.of());
    }
    engine = new RetentionEngine(zfs, clock);
  }

  private void runAuto() {
    List<Decision> decisions = engine.decide(policy, true, true);
    if (decisions.stream().allMatch(d -> d.action() == Action.KEEP)) {
      return;
    }
    PlanEngine.quiet(2).run(engine.plan("ksnap-auto", decisions), false).throwIfFailed();
  }

  private long count(String dataset, Period p) {
    return zfs.snapshots(DatasetName.of(dataset), false).stream()
        .filter(s -> s.name().snap().startsWith(p.kind() + "-"))
        .count();
  }

  @Test
  @DisplayName("runs every 4 hours through a year keep exactly the template's counts")
  void aYearOfHourlyRuns() {
    Instant end = Instant.parse("2027-01-01T00:30:00Z");
    while (!clock.now.isAfter(end)) {
      runAuto();
      // the templates' finest period is daily; a 4-hour timer gives the same decisions as hourly
      clock.now = clock.now.plus(Duration.ofHours(4));
    }
    // data template on rpool/srv: daily 7, weekly 12, monthly 12, yearly 1
    assertThat(count("rpool/srv", Period.DAILY)).isEqualTo(7);
    assertThat(count("rpool/srv", Period.WEEKLY)).isEqualTo(12);
    assertThat(count("rpool/srv", Period.MONTHLY)).isEqualTo(12);
    assertThat(count("rpool/srv", Period.YEARLY)).isEqualTo(1);
    assertThat(count("rpool/srv", Period.HOURLY)).isZero();
    // bootenv template, recursive: yearly 0
    assertThat(count("rpool/ROOT/debian", Period.DAILY)).isEqualTo(7);
    assertThat(count("rpool/ROOT/debian", Period.YEARLY)).isZero();
    // 'none' stops the recursion below var/lib
    assertThat(zfs.snapshots(DatasetName.of("rpool/var/lib/containers"), false)).isEmpty();
    assertThat(count("rpool/var/lib", Period.MONTHLY)).isEqualTo(12);
    // the yearly one kept is the newest: 2027's
    assertThat(
            zfs.snapshots(DatasetName.of("rpool/srv"), false).stream()
                .filter(s -> s.name().snap().startsWith("auto-yearly-"))
                .map(s -> s.name().snap()))
        .containsExactly("auto-yearly-20270101-003000");
  }

  @Test
  @DisplayName("a second run in the same period takes nothing")
  void idempotentWithinPeriod() {
    runAuto();
    clock.now = clock.now.plus(Duration.ofMinutes(10));
    assertThat(engine.decide(policy, true, true)).noneMatch(d -> d.action() == Action.TAKE);
  }

  @Test
  @DisplayName("never prunes what we did not take, nor what a clone depends on; explains each")
  void neverPrunesForeignOrCloned() {
    DatasetName srv = DatasetName.of("rpool/srv");
    // looks like ours by name, but carries no marks: foreign
    zfs.snapshot(srv.snapshot("auto-daily-20250101-000000"), Map.of());
    // ours by both, but a boot environment / clone depends on it
    SnapshotName cloned = srv.snapshot("auto-daily-20250102-000000");
    zfs.snapshot(cloned, Ownership.of("ksnap", "auto-daily", clock.now).toProperties());
    zfs.clone(cloned, DatasetName.of("rpool/srv-be"), Map.of());
    for (int day = 0; day < 10; day++) {
      runAuto();
      clock.now = clock.now.plus(Duration.ofDays(1));
    }
    List<Decision> decisions = engine.decide(policy, false, true);
    assertThat(zfs.snapshot(srv.snapshot("auto-daily-20250101-000000"))).isPresent();
    assertThat(zfs.snapshot(cloned)).isPresent();
    assertThat(decisions)
        .anySatisfy(
            d -> {
              assertThat(d.snapshot()).isEqualTo(cloned.toString());
              assertThat(d.action()).isEqualTo(Action.KEEP);
              assertThat(d.reason()).contains("rpool/srv-be");
            })
        .anySatisfy(
            d -> {
              assertThat(d.snapshot()).isEqualTo("rpool/srv@auto-daily-20250101-000000");
              assertThat(d.reason()).contains("not taken by");
            });
    List<Snapshot> dailies =
        zfs.snapshots(srv, false).stream()
            .filter(s -> RetentionEngine.ours(s, Period.DAILY))
            .toList();
    assertThat(dailies).hasSize(8); // 7 kept by count + the one the clone holds
  }

  @Test
  @DisplayName("the shipped policy has the spec's templates and sections")
  void shippedPolicy() {
    assertThat(policy.templates()).containsOnlyKeys("bootenv", "data", "none");
    assertThat(policy.templates().get("bootenv").count(Period.WEEKLY)).isEqualTo(12);
    assertThat(policy.templates().get("data").count(Period.YEARLY)).isEqualTo(1);
    assertThat(policy.templates().get("none").autosnap()).isFalse();
    assertThat(policy.sectionFor(DatasetName.of("rpool/var/lib/containers/x")))
        .map(s -> s.template().name())
        .contains("none");
    assertThat(policy.sectionFor(DatasetName.of("rpool/root/child"))).isEmpty();
  }
}
