package dev.kldload.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.disk.Qcow2Backend;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.OsVariant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service with real disks (qemu-img), seeds (xorriso, ssh-keygen) and the fake hypervisor. */
class KvmServiceIT {
  @TempDir Path tmp;

  @Test
  @DisplayName("a create whose seed step fails removes the disk it made and defines nothing")
  void undoOnFailure() throws Exception {
    for (String tool : List.of("qemu-img", "xorriso", "ssh-keygen")) {
      Requirements.require(Requirements.onPath(tool), tool);
    }
    SystemProcessRunner runner = new SystemProcessRunner();
    InMemoryHypervisor hypervisor = new InMemoryHypervisor();
    Qcow2Backend backend = new Qcow2Backend(tmp.resolve("images"), runner, Clock.systemUTC());
    KvmService service =
        new KvmService(
            hypervisor,
            List.of(backend),
            runner,
            new KvmService.Settings(
                tmp.resolve("images"),
                tmp.resolve("state"),
                "qemu",
                tmp.resolve("c"),
                tmp.resolve("v")),
            Clock.systemUTC());
    Path image = tmp.resolve("cloud.qcow2");
    runner.check(
        ProcessSpec.of("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "64M").build());
    Path key = tmp.resolve("admin.pub");
    Files.writeString(key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIadmin admin@host\n");
    VmName vm = VmName.of("web01");
    KvmService.Change change =
        service.create(
            new CreateRequest(
                vm,
                ByteSize.ofMegabytes(512),
                1,
                ByteSize.ofGigabytes(1),
                Optional.empty(),
                Optional.of(image),
                new DomainSpec.Nic(DomainSpec.NicKind.NETWORK, "default"),
                "127.0.0.1",
                false,
                false,
                Optional.of(key),
                Optional.empty(),
                OsVariant.GENERIC),
            backend);
    Files.delete(key); // checked above, gone by the time the seed step reads it
    PlanResult result = PlanEngine.quiet(1).run(change.plan(), false);
    assertThat(result.exitCode().code()).isNotZero();
    assertThat(backend.exists(vm)).isTrue();
    change.undo().run();
    assertThat(backend.exists(vm)).isFalse();
    assertThat(hypervisor.domain("web01")).isEmpty();
    assertThat(service.seedPath(vm)).doesNotExist();
  }
}
