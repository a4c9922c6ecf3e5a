package dev.kldload.kvm.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.SnapshotInfo;
import dev.kldload.kvm.disk.Qcow2Backend;
import dev.kldload.kvm.xml.DomainMetadata;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kvm-snap rules on the in-memory hypervisor, for disks libvirt snapshots and qcow2 chains. */
class VmSnapshotsIT {
  @TempDir Path tmp;
  InMemoryHost host;

  @BeforeEach
  void setUp() {
    host = new InMemoryHost(tmp);
  }

  @Test
  @DisplayName(
      "a running VM on a disk no backend owns: a libvirt snapshot taken paused, then it runs again")
  void snapshotPausesAndResumes() {
    host.define(
        "web01", DomainMetadata.vm("kvm-create"), host.tmp.resolve("elsewhere/web01.qcow2"));
    host.hypervisor.start("web01");
    PlanResult result =
        PlanEngine.quiet(1)
            .run(host.services.snapshots().snapshot(VmName.of("web01"), Optional.of("s1")), false);
    result.throwIfFailed();
    assertThat(host.hypervisor.snapshots("web01"))
        .singleElement()
        .satisfies(s -> assertThat(s.state()).isEqualTo(DomainState.PAUSED));
    assertThat(host.hypervisor.domain("web01").orElseThrow().state())
        .isEqualTo(DomainState.RUNNING);
  }

  @Test
  @DisplayName(
      "a running VM on qcow2: memory saved, disk frozen, then it resumes; no libvirt snapshot")
  void qcow2SnapshotSavesAndRestores() {
    Requirements.require(Requirements.onPath("qemu-img"), "qemu-img (apt-get install qemu-utils)");
    new Qcow2Backend(host.tmp.resolve("images"), new SystemProcessRunner(), Clock.systemUTC())
        .create(VmName.of("web03"), ByteSize.ofMegabytes(64));
    host.define("web03", DomainMetadata.vm("kvm-create"));
    host.hypervisor.start("web03");
    Plan plan = host.services.snapshots().snapshot(VmName.of("web03"), Optional.of("s1"));
    assertThat(plan.step("snapshot").description()).contains("memory saved");
    PlanEngine.quiet(1).run(plan, false).throwIfFailed();
    assertThat(host.tmp.resolve("images/web03@s1.qcow2")).exists();
    assertThat(host.services.snapshots().snapshots(VmName.of("web03")))
        .extracting(SnapshotInfo::name)
        .containsExactly("s1");
    assertThat(host.hypervisor.snapshots("web03")).isEmpty();
    assertThat(host.hypervisor.domain("web03").orElseThrow().state())
        .isEqualTo(DomainState.RUNNING);
    assertThat(host.hypervisor.domain("web03").orElseThrow().savedState()).isFalse();
  }

  @Test
  @DisplayName("rollback to an older snapshot names the newer ones and refuses without the flag")
  void rollbackRefuses() {
    host.define("db", DomainMetadata.vm("kvm-create"), host.tmp.resolve("elsewhere/db.qcow2"));
    host.hypervisor.createSnapshot("db", "a", "");
    host.hypervisor.createSnapshot("db", "b", "");
    host.hypervisor.createSnapshot("db", "c", "");
    assertThatThrownBy(
            () -> host.services.snapshots().rollback(VmName.of("db"), Optional.of("a"), false))
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining("b, c")
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT));
    assertThat(host.hypervisor.snapshots("db")).hasSize(3);
    PlanEngine.quiet(1)
        .run(host.services.snapshots().rollback(VmName.of("db"), Optional.of("a"), true), false)
        .throwIfFailed();
    assertThat(host.hypervisor.snapshots("db")).extracting(SnapshotInfo::name).containsExactly("a");
  }

  @Test
  @DisplayName("snapshot names with separators, a leading '-', or . and .. are invalid input")
  void snapshotNames() {
    for (String bad : List.of("-x", "a/b", "a;b", "a b", ".", "..", "x".repeat(64))) {
      assertThatThrownBy(() -> VmSnapshots.validateSnapshotName(bad))
          .isInstanceOf(KldloadException.class)
          .satisfies(
              e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.INVALID_INPUT));
    }
    assertThat(VmSnapshots.validateSnapshotName("before-upgrade_2.1"))
        .isEqualTo("before-upgrade_2.1");
  }
}
