package dev.kldload.kube.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.zfs.InMemoryZfs;
import dev.kldload.zfs.Ownership;
import dev.kldload.zfs.Snapshot;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PreOpSnapshotTest {
  @Test
  @DisplayName("snapshots the pool and every descendant as pre-<tool>-<UTC>, once")
  void recursive() {
    Instant now = Instant.parse("2026-11-26T12:34:56Z");
    InMemoryZfs zfs =
        InMemoryZfs.withPool(Clock.fixed(now, ZoneOffset.UTC), "rpool", ByteSize.ofGigabytes(10));
    zfs.createFilesystem(DatasetName.of("rpool/ROOT"), Map.of());
    zfs.createFilesystem(DatasetName.of("rpool/ROOT/debian"), Map.of());
    Plan plan =
        Plan.builder("t")
            .add(PreOpSnapshot.step(zfs, DatasetName.of("rpool"), "kube-reset", now))
            .build();
    assertThat(PlanEngine.quiet(1).run(plan, false).outcomes().get(0).status())
        .isEqualTo(StepStatus.APPLIED);
    assertThat(zfs.snapshots(DatasetName.of("rpool"), true))
        .extracting(s -> s.name().toString())
        .containsExactlyInAnyOrder(
            "rpool@pre-kube-reset-20261126T123456Z",
            "rpool/ROOT@pre-kube-reset-20261126T123456Z",
            "rpool/ROOT/debian@pre-kube-reset-20261126T123456Z");
    Snapshot top = zfs.snapshots(DatasetName.of("rpool"), false).get(0);
    assertThat(top.userProperties()).containsEntry(Ownership.OWNER, "kube-reset");
    assertThat(PlanEngine.quiet(1).run(plan, false).outcomes().get(0).status())
        .isEqualTo(StepStatus.ALREADY_DONE);
  }
}
