package dev.kldload.kvm.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.CloneRequest;
import dev.kldload.kvm.CreateRequest;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.VmView;
import dev.kldload.kvm.disk.ZvolBackend;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.OsVariant;
import dev.kldload.zfs.InMemoryZfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Create, clone a running source and delete on the zvol backend, with both fakes (the real ZFS path
 * is a lab test) and real seeds (ssh-keygen, xorriso).
 */
class VmCloningZfsIT {
  @TempDir Path tmp;
  private final SystemProcessRunner runner = new SystemProcessRunner();
  private final InMemoryHypervisor hypervisor = new InMemoryHypervisor();
  private InMemoryZfs zfs;
  private ZvolBackend zvols;
  private KvmServices service;

  /** The service on the in-memory hypervisor and ZFS, with real seed tools, as each test needs. */
  @BeforeEach
  void service() {
    zfs = InMemoryZfs.withPool(Clock.systemUTC(), "rpool", ByteSize.ofGigabytes(100));
    zfs.createFilesystem(DatasetName.of("rpool/vms"), Map.of());
    zvols =
        new ZvolBackend(
            zfs,
            DatasetName.of("rpool/vms"),
            runner,
            Clock.systemUTC(),
            "64K",
            p -> true,
            new CancellationToken());
    service =
        KvmServices.of(
            hypervisor,
            List.of(zvols),
            runner,
            new KvmSettings(
                tmp.resolve("images"),
                tmp.resolve("state"),
                "qemu",
                tmp.resolve("c"),
                tmp.resolve("v")),
            Clock.systemUTC(),
            false);
  }

  @Test
  @DisplayName("clone of a running source: paused for the snapshot, resumed; delete order enforced")
  void cloneOnZvols() {
    for (String tool : List.of("xorriso", "ssh-keygen")) {
      Requirements.require(Requirements.onPath(tool), tool);
    }
    VmName golden = VmName.of("golden");
    PlanEngine.quiet(1)
        .run(
            service
                .creation()
                .create(
                    new CreateRequest(
                        golden,
                        ByteSize.ofMegabytes(512),
                        1,
                        ByteSize.ofGigabytes(20),
                        Optional.empty(),
                        Optional.empty(),
                        new DomainSpec.Nic(DomainSpec.NicKind.NETWORK, "default"),
                        "127.0.0.1",
                        false,
                        false,
                        Optional.empty(),
                        Optional.empty(),
                        OsVariant.GENERIC),
                    zvols),
            false)
        .throwIfFailed();
    hypervisor.start("golden");
    PlanEngine.quiet(1)
        .run(
            service
                .cloning()
                .clone(
                    new CloneRequest(
                        golden, VmName.of("web01"), Optional.empty(), false, Optional.empty())),
            false)
        .throwIfFailed();
    assertThat(hypervisor.domain("golden").orElseThrow().state()).isEqualTo(DomainState.RUNNING);
    VmView web =
        service.inventory().list().stream()
            .filter(v -> v.name().equals("web01"))
            .findFirst()
            .orElseThrow();
    assertThat(web.origin()).startsWith("golden@clone-");
    assertThat(web.diskBytes()).isEqualTo(20L << 30);
    assertThat(web.managed()).isTrue();

    assertThatThrownBy(() -> service.deletion().delete(golden, true))
        .isInstanceOf(KldloadException.class)
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT))
        .hasMessageContaining("zfs promote rpool/vms/web01");
    PlanEngine.quiet(1)
        .run(service.deletion().delete(VmName.of("web01"), false), false)
        .throwIfFailed();
    // the clone's origin snapshot went with it: nothing else used it
    assertThat(zfs.snapshots(DatasetName.of("rpool/vms/golden"), false)).isEmpty();
    PlanEngine.quiet(1).run(service.deletion().delete(golden, true), false).throwIfFailed();
    assertThat(zfs.datasets(DatasetName.of("rpool/vms"), 1)).hasSize(1);
    assertThat(hypervisor.domains()).isEmpty();
  }

  @Test
  @DisplayName(
      "a clone from a named snapshot gets the UEFI vars kept with it; a fresh one the current")
  void cloneTakesSnapshotVars() throws Exception {
    for (String tool : List.of("xorriso", "ssh-keygen")) {
      Requirements.require(Requirements.onPath(tool), tool);
    }
    VmName golden = VmName.of("golden");
    Path vars = varsPath(golden);
    Files.createDirectories(vars.getParent());
    Files.writeString(vars, "vars at one");
    zvols.create(golden, ByteSize.ofGigabytes(1));
    define(golden, new DomainSpec.Uefi(tmp.resolve("c"), tmp.resolve("v"), vars));
    PlanEngine.quiet(1)
        .run(service.snapshots().snapshot(golden, Optional.of("one")), false)
        .throwIfFailed();
    Files.writeString(vars, "vars now");
    for (var clone :
        Map.of("web01", Optional.of("one"), "web02", Optional.<String>empty()).entrySet()) {
      PlanEngine.quiet(1)
          .run(
              service
                  .cloning()
                  .clone(
                      new CloneRequest(
                          golden,
                          VmName.of(clone.getKey()),
                          clone.getValue(),
                          false,
                          Optional.empty())),
              false)
          .throwIfFailed();
    }
    assertThat(varsPath(VmName.of("web01"))).hasContent("vars at one");
    assertThat(varsPath(VmName.of("web02"))).hasContent("vars now");
  }

  @Test
  @DisplayName("a clone that fails after its snapshot removes the clone and the snapshot it took")
  void failedCloneUndo() throws Exception {
    Requirements.require(Requirements.onPath("ssh-keygen"), "ssh-keygen");
    zvols.create(VmName.of("golden"), ByteSize.ofGigabytes(1));
    define(VmName.of("golden"), new DomainSpec.Bios());
    Path key = tmp.resolve("admin.pub");
    Files.writeString(key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIadmin a@b\n");
    Plan change =
        service
            .cloning()
            .clone(
                new CloneRequest(
                    VmName.of("golden"),
                    VmName.of("web01"),
                    Optional.empty(),
                    false,
                    Optional.of(key)));
    Files.delete(key);
    // the engine undoes the failed run: the clone's disk, then the snapshot it took
    assertThat(PlanEngine.quiet(1).run(change, false).exitCode().code()).isNotZero();
    assertThat(zvols.exists(VmName.of("web01"))).isFalse();
    assertThat(zfs.snapshots(DatasetName.of("rpool/vms/golden"), false)).isEmpty();
    assertThat(hypervisor.domain("web01")).isEmpty();
  }

  /** Defines a domain of ours on the VM's zvol. */
  private void define(VmName name, DomainSpec.Firmware firmware) {
    hypervisor.define(
        DomainXmlWriter.write(
            new DomainSpec(
                name,
                "qemu",
                ByteSize.ofMegabytes(512),
                1,
                firmware,
                List.of(zvols.diskOf(name)),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                "127.0.0.1",
                DomainMetadata.vm("kvm-create"),
                Optional.empty(),
                OsVariant.GENERIC)));
  }

  private Path varsPath(VmName vm) {
    return tmp.resolve("images").resolve(vm.value() + "_VARS.fd");
  }
}
