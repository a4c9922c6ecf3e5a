package dev.kldload.kvm.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.GuestAddress;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.SnapshotInfo;
import dev.kldload.kvm.VmView;
import dev.kldload.kvm.disk.Qcow2Backend;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.OsVariant;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Service rules on the in-memory hypervisor; no disk is touched by these cases. */
class KvmServicesTest {
  @TempDir Path tmp;
  InMemoryHypervisor hypervisor;
  KvmServices service;

  @BeforeEach
  void setUp() {
    hypervisor = new InMemoryHypervisor();
    service =
        KvmServices.of(
            hypervisor,
            List.of(
                new Qcow2Backend(
                    tmp.resolve("images"), new SystemProcessRunner(), Clock.systemUTC())),
            new SystemProcessRunner(),
            new KvmSettings(
                tmp.resolve("images"),
                tmp.resolve("state"),
                "qemu",
                tmp.resolve("code.fd"),
                tmp.resolve("vars.fd")),
            Clock.systemUTC(),
            false);
  }

  private void define(String name, DomainMetadata metadata) {
    define(name, metadata, tmp.resolve("images/" + name + ".qcow2"));
  }

  private void define(String name, DomainMetadata metadata, Path disk) {
    hypervisor.define(
        DomainXmlWriter.write(
            new DomainSpec(
                VmName.of(name),
                "qemu",
                ByteSize.ofMegabytes(512),
                1,
                new DomainSpec.Bios(),
                List.of(new DomainSpec.Disk(DomainSpec.DiskKind.QCOW2, disk)),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                "127.0.0.1",
                metadata,
                Optional.empty(),
                OsVariant.GENERIC)));
  }

  @Test
  @DisplayName(
      "a running VM on a disk no backend owns: a libvirt snapshot taken paused, then it runs again")
  void snapshotPausesAndResumes() {
    define("web01", DomainMetadata.vm("kvm-create"), tmp.resolve("elsewhere/web01.qcow2"));
    hypervisor.start("web01");
    PlanResult result =
        PlanEngine.quiet(1)
            .run(service.snapshots().snapshot(VmName.of("web01"), Optional.of("s1")), false);
    result.throwIfFailed();
    assertThat(hypervisor.snapshots("web01"))
        .singleElement()
        .satisfies(s -> assertThat(s.state()).isEqualTo(DomainState.PAUSED));
    assertThat(hypervisor.domain("web01").orElseThrow().state()).isEqualTo(DomainState.RUNNING);
  }

  @Test
  @DisplayName(
      "a running VM on qcow2: memory saved, disk frozen, then it resumes; no libvirt snapshot")
  void qcow2SnapshotSavesAndRestores() {
    Requirements.require(Requirements.onPath("qemu-img"), "qemu-img (apt-get install qemu-utils)");
    new Qcow2Backend(tmp.resolve("images"), new SystemProcessRunner(), Clock.systemUTC())
        .create(VmName.of("web03"), ByteSize.ofMegabytes(64));
    define("web03", DomainMetadata.vm("kvm-create"));
    hypervisor.start("web03");
    Plan plan = service.snapshots().snapshot(VmName.of("web03"), Optional.of("s1"));
    assertThat(plan.step("snapshot").description()).contains("memory saved");
    PlanEngine.quiet(1).run(plan, false).throwIfFailed();
    assertThat(tmp.resolve("images/web03@s1.qcow2")).exists();
    assertThat(service.snapshots().snapshots(VmName.of("web03")))
        .extracting(SnapshotInfo::name)
        .containsExactly("s1");
    assertThat(hypervisor.snapshots("web03")).isEmpty();
    assertThat(hypervisor.domain("web03").orElseThrow().state()).isEqualTo(DomainState.RUNNING);
    assertThat(hypervisor.domain("web03").orElseThrow().savedState()).isFalse();
  }

  @Test
  @DisplayName(
      "list: memory in bytes, our mark and clone origin, saved memory; foreign domains unmanaged")
  void list() {
    define("web02", DomainMetadata.vm("kvm-clone").withCloneOrigin("golden@clone-1"));
    define("web04", DomainMetadata.vm("kvm-create"));
    hypervisor.start("web04");
    hypervisor.saveState("web04");
    hypervisor.define(
        "<domain type='qemu'><name>other</name><memory unit='KiB'>1024</memory><vcpu>1</vcpu>"
            + "<os><type>hvm</type></os></domain>");
    assertThat(service.inventory().list())
        .containsExactly(
            new VmView("other", "shut-off", 1024 * 1024, 1, null, null, null, false),
            new VmView("web02", "shut-off", 512L << 20, 1, null, null, "golden@clone-1", true),
            new VmView("web04", "saved", 512L << 20, 1, null, null, null, true));
  }

  @Test
  @DisplayName("rollback to an older snapshot names the newer ones and refuses without the flag")
  void rollbackRefuses() {
    define("db", DomainMetadata.vm("kvm-create"), tmp.resolve("elsewhere/db.qcow2"));
    hypervisor.createSnapshot("db", "a", "");
    hypervisor.createSnapshot("db", "b", "");
    hypervisor.createSnapshot("db", "c", "");
    assertThatThrownBy(() -> service.snapshots().rollback(VmName.of("db"), Optional.of("a"), false))
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining("b, c")
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT));
    assertThat(hypervisor.snapshots("db")).hasSize(3);
    PlanEngine.quiet(1)
        .run(service.snapshots().rollback(VmName.of("db"), Optional.of("a"), true), false)
        .throwIfFailed();
    assertThat(hypervisor.snapshots("db")).extracting(SnapshotInfo::name).containsExactly("a");
  }

  @Test
  @DisplayName("snapshot names with separators or a leading '-' are invalid input")
  void snapshotNames() {
    for (String bad : List.of("-x", "a/b", "a;b", "a b", "..", "x".repeat(64))) {
      assertThatThrownBy(() -> VmSnapshots.validateSnapshotName(bad))
          .isInstanceOf(KldloadException.class)
          .satisfies(
              e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.INVALID_INPUT));
    }
    assertThat(VmSnapshots.validateSnapshotName("before-upgrade_2.1"))
        .isEqualTo("before-upgrade_2.1");
  }

  @Test
  @DisplayName("delete refuses a foreign domain without force, and a running one without force")
  void deleteRefusals() {
    hypervisor.define(
        "<domain type='qemu'><name>other</name><memory unit='KiB'>1024</memory><os><type>hvm</type></os></domain>");
    assertThatThrownBy(() -> service.deletion().delete(VmName.of("other"), false))
        .satisfies(
            e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.PRECONDITION));
    define("web03", DomainMetadata.vm("kvm-create"));
    hypervisor.start("web03");
    assertThatThrownBy(() -> service.deletion().delete(VmName.of("web03"), false))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT))
        .hasMessageContaining("running");
    assertThat(hypervisor.domain("web03").orElseThrow().state()).isEqualTo(DomainState.RUNNING);
    assertThatThrownBy(() -> service.deletion().delete(VmName.of("nothing"), true))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }

  @Test
  @DisplayName("address: the lease's IPv4 (not loopback, not IPv6); a deadline when none comes")
  void address() throws InterruptedException {
    define("web04", DomainMetadata.vm("kvm-create"));
    Conditions fast =
        new Conditions(
            Conditions.SYSTEM, new CancellationToken(), Duration.ofMillis(1), Duration.ofMillis(5));
    assertThatThrownBy(
            () -> service.inventory().awaitAddress(VmName.of("web04"), Duration.ofMillis(30), fast))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.TIMEOUT))
        .hasMessageContaining("web04");
    hypervisor.lease("web04", new GuestAddress("vnet0", "52:54:00:00:00:01", "fe80::1", 64));
    hypervisor.lease("web04", new GuestAddress("vnet0", "52:54:00:00:00:01", "192.168.122.50", 24));
    assertThat(
            service
                .inventory()
                .awaitAddress(VmName.of("web04"), Duration.ofSeconds(1), fast)
                .address())
        .isEqualTo("192.168.122.50");
  }
}
