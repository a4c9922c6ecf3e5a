package dev.kldload.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.disk.ZvolBackend;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.OsVariant;
import dev.kldload.zfs.InMemoryZfs;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kvm-snap on a zvol-backed VM: the snapshots are ZFS snapshots of its volume. */
class KvmServiceZfsTest {
  @TempDir Path tmp;
  InMemoryHypervisor hypervisor;
  InMemoryZfs zfs;
  KvmService service;
  final VmName vm = VmName.of("db01");

  @BeforeEach
  void setUp() {
    hypervisor = new InMemoryHypervisor();
    zfs = InMemoryZfs.withPool(Clock.systemUTC(), "rpool", ByteSize.ofGigabytes(100));
    zfs.createFilesystem(DatasetName.of("rpool/vms"), Map.of());
    ZvolBackend zvols =
        new ZvolBackend(
            zfs,
            DatasetName.of("rpool/vms"),
            new SystemProcessRunner(),
            Clock.systemUTC(),
            "64K",
            p -> true,
            new CancellationToken());
    service =
        new KvmService(
            hypervisor,
            List.of(zvols),
            new SystemProcessRunner(),
            new KvmService.Settings(
                tmp.resolve("images"),
                tmp.resolve("state"),
                "qemu",
                tmp.resolve("c"),
                tmp.resolve("v")),
            Clock.systemUTC());
    zvols.create(vm, ByteSize.ofGigabytes(10));
    hypervisor.define(
        DomainXmlWriter.write(
            new DomainSpec(
                vm,
                "qemu",
                ByteSize.ofMegabytes(512),
                1,
                new DomainSpec.Bios(),
                List.of(zvols.diskOf(vm)),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                "127.0.0.1",
                DomainMetadata.vm("kvm-create"),
                Optional.empty(),
                OsVariant.GENERIC)));
    hypervisor.start("db01");
  }

  private void run(KvmService.Change change) {
    PlanEngine.quiet(1).run(change.plan(), false).throwIfFailed();
  }

  @Test
  @DisplayName("take, list, refuse then roll back with --destroy-newer, delete: all on the zvol")
  void zfsSnapshots() {
    run(service.snapshot(vm, Optional.of("one")));
    run(service.snapshot(vm, Optional.of("two")));
    assertThat(hypervisor.domain("db01").orElseThrow().state()).isEqualTo(DomainState.RUNNING);
    assertThat(hypervisor.snapshots("db01")).isEmpty();
    assertThat(service.snapshots(vm)).extracting(SnapshotInfo::name).containsExactly("one", "two");
    assertThat(service.snapshots(vm).get(1).parent()).contains("one");
    assertThatThrownBy(() -> service.rollback(vm, Optional.of("one"), false))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT))
        .hasMessageContaining("two");
    run(service.rollback(vm, Optional.of("one"), true));
    assertThat(zfs.snapshots(DatasetName.of("rpool/vms/db01"), false)).hasSize(1);
    assertThat(hypervisor.domain("db01").orElseThrow().state()).isEqualTo(DomainState.RUNNING);
    run(service.deleteSnapshot(vm, "one"));
    assertThat(service.snapshots(vm)).isEmpty();
  }
}
