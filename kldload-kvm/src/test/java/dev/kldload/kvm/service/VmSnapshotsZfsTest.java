package dev.kldload.kvm.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.SnapshotInfo;
import dev.kldload.kvm.disk.ZvolBackend;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.OsVariant;
import dev.kldload.zfs.InMemoryZfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kvm-snap on a zvol-backed VM: the snapshots are ZFS snapshots of its volume. */
class VmSnapshotsZfsTest {
  @TempDir Path tmp;
  InMemoryHypervisor hypervisor;
  InMemoryZfs zfs;
  KvmServices service;
  ZvolBackend zfsBackend;
  final VmName vm = VmName.of("db01");

  @BeforeEach
  void setUp() {
    hypervisor = new InMemoryHypervisor();
    zfs = InMemoryZfs.withPool(Clock.systemUTC(), "rpool", ByteSize.ofGigabytes(100));
    zfs.createFilesystem(DatasetName.of("rpool/vms"), Map.of());
    zfsBackend =
        new ZvolBackend(
            zfs,
            DatasetName.of("rpool/vms"),
            new SystemProcessRunner(),
            Clock.systemUTC(),
            "64K",
            p -> true,
            new CancellationToken());
    service =
        KvmServices.of(
            hypervisor,
            List.of(zfsBackend),
            new SystemProcessRunner(),
            new KvmSettings(
                tmp.resolve("images"),
                tmp.resolve("state"),
                "qemu",
                tmp.resolve("c"),
                tmp.resolve("v")),
            Clock.systemUTC(),
            false);
    defineOnZvol(vm, new DomainSpec.Bios());
    hypervisor.start("db01");
  }

  private void defineOnZvol(VmName name, DomainSpec.Firmware firmware) {
    zfsBackend.create(name, ByteSize.ofGigabytes(10));
    hypervisor.define(
        DomainXmlWriter.write(
            new DomainSpec(
                name,
                "qemu",
                ByteSize.ofMegabytes(512),
                1,
                firmware,
                List.of(zfsBackend.diskOf(name)),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                "127.0.0.1",
                DomainMetadata.vm("kvm-create"),
                Optional.empty(),
                OsVariant.GENERIC)));
  }

  private void run(Plan change) {
    PlanEngine.quiet(1).run(change, false).throwIfFailed();
  }

  @Test
  @DisplayName("take, list, refuse then roll back with --destroy-newer, delete: all on the zvol")
  void zfsSnapshots() {
    run(service.snapshots().snapshot(vm, Optional.of("one")));
    run(service.snapshots().snapshot(vm, Optional.of("two")));
    assertThat(hypervisor.domain("db01").orElseThrow().state()).isEqualTo(DomainState.RUNNING);
    assertThat(hypervisor.snapshots("db01")).isEmpty();
    assertThat(service.snapshots().snapshots(vm))
        .extracting(SnapshotInfo::name)
        .containsExactly("one", "two");
    assertThat(service.snapshots().snapshots(vm).get(1).parent()).contains("one");
    assertThatThrownBy(() -> service.snapshots().rollback(vm, Optional.of("one"), false))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT))
        .hasMessageContaining("two");
    run(service.snapshots().rollback(vm, Optional.of("one"), true));
    assertThat(zfs.snapshots(DatasetName.of("rpool/vms/db01"), false)).hasSize(1);
    assertThat(hypervisor.domain("db01").orElseThrow().state()).isEqualTo(DomainState.RUNNING);
    run(service.snapshots().deleteSnapshot(vm, "one"));
    assertThat(service.snapshots().snapshots(vm)).isEmpty();
  }

  @Test
  @DisplayName(
      "a UEFI guest's vars are kept with each snapshot, restored on rollback, removed after")
  void uefiVarsFollowSnapshots() throws Exception {
    VmName web = VmName.of("web01");
    Path vars = varsPath(web);
    Files.createDirectories(vars.getParent());
    Files.writeString(vars, "boot order A");
    defineOnZvol(web, new DomainSpec.Uefi(tmp.resolve("c"), tmp.resolve("v"), vars));
    run(service.snapshots().snapshot(web, Optional.of("one")));
    Files.writeString(vars, "boot order B");
    run(service.snapshots().snapshot(web, Optional.of("two")));
    Files.writeString(vars, "boot order C");
    Path keptOne = vars.resolveSibling("web01_VARS@one.fd");
    Path keptTwo = vars.resolveSibling("web01_VARS@two.fd");
    assertThat(keptOne).hasContent("boot order A");
    assertThat(keptTwo).hasContent("boot order B");
    assertThat(Files.getPosixFilePermissions(keptOne))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    run(service.snapshots().rollback(web, Optional.of("one"), true));
    assertThat(vars).hasContent("boot order A");
    assertThat(keptTwo).doesNotExist();

    run(service.snapshots().snapshot(web, Optional.of("three")));
    run(service.snapshots().deleteSnapshot(web, "three"));
    assertThat(vars.resolveSibling("web01_VARS@three.fd")).doesNotExist();

    run(service.deletion().delete(web, false));
    assertThat(vars).doesNotExist();
    assertThat(keptOne).doesNotExist();
  }

  private Path varsPath(VmName vm) {
    return tmp.resolve("images").resolve(vm.value() + "_VARS.fd");
  }
}
