package dev.kldload.kvm.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Decisions;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanCuts;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.ProgressListener;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.CloneRequest;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.disk.Qcow2Backend;
import dev.kldload.kvm.disk.ZvolBackend;
import dev.kldload.kvm.seed.NoCloudSeed;
import dev.kldload.kvm.xml.DomainDefinition;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.MacAddress;
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
 * kvm-clone runs that end early, on the in-memory hypervisor and ZFS with real seeds: the source is
 * a running UEFI VM on a zvol, so every step of the clone (snapshot, disk, vars, seed, define,
 * start) is in the plan.
 */
class VmCloningIT {
  static final List<String> STEPS = List.of("snapshot", "vars", "seed", "disk", "define", "start");
  static final SystemProcessRunner RUNNER = new SystemProcessRunner();
  static final DatasetName GOLDEN_DISK = DatasetName.of("rpool/vms/golden");
  @TempDir Path tmp;
  final VmName golden = VmName.of("golden");
  final VmName web = VmName.of("web01");

  @BeforeEach
  void tools() {
    for (String tool : List.of("xorriso", "ssh-keygen")) {
      Requirements.require(Requirements.onPath(tool), tool);
    }
  }

  /** One host with the running source; its state outlives the runs made on it. */
  final class Host {
    final Path dir;
    final InMemoryHypervisor hypervisor = new InMemoryHypervisor();
    final InMemoryZfs zfs =
        InMemoryZfs.withPool(Clock.systemUTC(), "rpool", ByteSize.ofGigabytes(100));
    final ZvolBackend zvols;
    final Path key;

    Host(String name) throws Exception {
      dir = tmp.resolve(name);
      zfs.createFilesystem(DatasetName.of("rpool/vms"), Map.of());
      zvols =
          new ZvolBackend(
              zfs,
              DatasetName.of("rpool/vms"),
              RUNNER,
              Clock.systemUTC(),
              "64K",
              p -> true,
              new CancellationToken());
      zvols.create(golden, ByteSize.ofGigabytes(1));
      Files.createDirectories(dir.resolve("images"));
      Files.writeString(vars(golden), "golden vars");
      hypervisor.define(
          DomainXmlWriter.write(
              new DomainSpec(
                  golden,
                  "qemu",
                  ByteSize.ofMegabytes(512),
                  1,
                  new DomainSpec.Uefi(dir.resolve("c"), dir.resolve("v"), vars(golden)),
                  List.of(zvols.diskOf(golden)),
                  Optional.empty(),
                  Optional.empty(),
                  List.of(
                      new DomainSpec.Nic(DomainSpec.NicKind.NETWORK, "default")
                          .withMac(MacAddress.random())),
                  "127.0.0.1",
                  DomainMetadata.vm("kvm-create"),
                  Optional.empty(),
                  OsVariant.GENERIC)));
      hypervisor.start("golden");
      key = dir.resolve("admin.pub");
      Files.writeString(key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIadmin admin@host\n");
    }

    Path vars(VmName vm) {
      return dir.resolve("images").resolve(vm.value() + "_VARS.fd");
    }

    /** The plan a (re-)run of the same kvm-clone builds. */
    Plan plan() {
      return KvmServices.of(
              hypervisor,
              List.of(zvols),
              RUNNER,
              new KvmSettings(
                  dir.resolve("images"),
                  dir.resolve("state"),
                  "qemu",
                  dir.resolve("c"),
                  dir.resolve("v")),
              Clock.systemUTC(),
              false)
          .cloning()
          .clone(new CloneRequest(golden, web, Optional.empty(), true, Optional.of(key)));
    }

    Decisions decisions() {
      return Decisions.at(dir.resolve("state/kvm/web01/decisions.json"));
    }

    Path seed() {
      return dir.resolve("images/web01-seed.iso");
    }

    List<String> goldenSnapshots() {
      return zfs.snapshots(GOLDEN_DISK, false).stream().map(s -> s.name().snap()).toList();
    }

    void assertNothingMade() {
      assertThat(hypervisor.domain("web01")).isEmpty();
      assertThat(zvols.exists(web)).isFalse();
      assertThat(vars(web)).doesNotExist();
      assertThat(seed()).doesNotExist();
      assertThat(dir.resolve("state/kvm/web01/ssh_host_ed25519_key.pub")).doesNotExist();
      assertThat(goldenSnapshots()).isEmpty();
      assertThat(vars(golden)).hasContent("golden vars");
      assertThat(hypervisor.domain("golden").orElseThrow().state()).isEqualTo(DomainState.RUNNING);
    }

    /** The finished clone: on the one snapshot the first run decided, with its MAC and id. */
    void assertClonedAsDecided() {
      String snap = decisions().recorded("snapshot").orElseThrow();
      MacAddress mac = new MacAddress(decisions().recorded("mac.0").orElseThrow());
      String instanceId = decisions().recorded("instance-id").orElseThrow();
      assertThat(goldenSnapshots()).containsExactly(snap);
      String xml = hypervisor.domain("web01").orElseThrow().xml();
      assertThat(DomainDefinition.parse(xml).metadata().flatMap(DomainMetadata::cloneOrigin))
          .contains("golden@" + snap);
      assertThat(xml).contains(mac.value());
      assertThat(NoCloudSeed.carries(seed(), instanceId, List.of(mac))).isTrue();
      assertThat(vars(web)).hasContent("golden vars");
      assertThat(hypervisor.domain("web01").orElseThrow().state()).isEqualTo(DomainState.RUNNING);
      assertThat(hypervisor.domain("golden").orElseThrow().state()).isEqualTo(DomainState.RUNNING);
    }
  }

  @Test
  @DisplayName("the clone plan has a snapshot, disk, vars, seed, define and start step")
  void steps() throws Exception {
    assertThat(new Host("steps").plan().ordered()).extracting(Step::id).isEqualTo(STEPS);
  }

  @Test
  @DisplayName(
      "killed between any two steps, a re-run converges on the first run's snapshot and MACs and"
          + " leaves no orphaned snapshot")
  void resumesAfterACrashBetweenAnyTwoSteps() throws Exception {
    for (int k = 1; k < STEPS.size(); k++) {
      Host host = new Host("crash-" + k);
      PlanEngine.quiet(1).run(PlanCuts.prefix(host.plan(), k), false).throwIfFailed();
      Optional<String> snap = host.decisions().recorded("snapshot");
      Optional<String> mac = host.decisions().recorded("mac.0");

      PlanEngine.quiet(1).run(host.plan(), false).throwIfFailed();

      assertThat(host.decisions().recorded("snapshot")).as("after step %d", k).isEqualTo(snap);
      assertThat(host.decisions().recorded("mac.0")).isEqualTo(mac);
      host.assertClonedAsDecided();
    }
  }

  @Test
  @DisplayName(
      "a clone failing in any step removes its disk, vars, seed, domain and the snapshot it took;"
          + " the source runs on untouched")
  void failureUndoesThisRun() throws Exception {
    for (String failing : STEPS) {
      Host host = new Host("fail-" + failing);
      PlanResult result = PlanEngine.quiet(1).run(PlanCuts.failingAt(host.plan(), failing), false);
      assertThat(result.exitCode().code()).as("failing in %s", failing).isNotZero();
      host.assertNothingMade();
    }
  }

  @Test
  @DisplayName("interrupted in any step, a clone keeps what it did and the re-run completes")
  void interruptKeepsWhatWasDone() throws Exception {
    for (String step : STEPS) {
      Host host = new Host("interrupt-" + step);
      CancellationToken token = new CancellationToken();
      PlanResult result =
          new PlanEngine(1, Optional.empty(), ProgressListener.NONE, token, Clock.systemUTC())
              .run(PlanCuts.interruptedAt(host.plan(), step, token), false);
      assertThat(result.interrupted()).isTrue();
      assertThat(result.undone()).isEmpty();
      assertThat(host.goldenSnapshots()).hasSize(step.equals("snapshot") ? 0 : 1);

      PlanEngine.quiet(1).run(host.plan(), false).throwIfFailed();
      host.assertClonedAsDecided();
    }
  }

  @Test
  @DisplayName(
      "on qcow2, a failed clone merges the layer it froze back into the source's disk: the source"
          + " keeps no snapshot and its data")
  void failedQcow2CloneMergesItsSnapshot() throws Exception {
    Requirements.require(Requirements.onPath("qemu-img"), "qemu-img");
    Path images = tmp.resolve("qcow2/images");
    Qcow2Backend qcow2 = new Qcow2Backend(images, RUNNER, Clock.systemUTC());
    InMemoryHypervisor hypervisor = new InMemoryHypervisor();
    qcow2.create(golden, ByteSize.ofMegabytes(64));
    hypervisor.define(
        DomainXmlWriter.write(
            new DomainSpec(
                golden,
                "qemu",
                ByteSize.ofMegabytes(512),
                1,
                new DomainSpec.Bios(),
                List.of(qcow2.diskOf(golden)),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                "127.0.0.1",
                DomainMetadata.vm("kvm-create"),
                Optional.empty(),
                OsVariant.GENERIC)));
    Path key = tmp.resolve("qcow2/admin.pub");
    Files.writeString(key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIadmin admin@host\n");
    Plan plan =
        KvmServices.of(
                hypervisor,
                List.of(qcow2),
                RUNNER,
                new KvmSettings(
                    images,
                    tmp.resolve("qcow2/state"),
                    "qemu",
                    images.resolve("c"),
                    images.resolve("v")),
                Clock.systemUTC(),
                false)
            .cloning()
            .clone(new CloneRequest(golden, web, Optional.empty(), false, Optional.of(key)));

    PlanResult result = PlanEngine.quiet(1).run(PlanCuts.failingAt(plan, "define"), false);

    assertThat(result.exitCode().code()).isNotZero();
    assertThat(qcow2.snapshots(golden)).isEmpty();
    assertThat(qcow2.exists(web)).isFalse();
    try (var files = Files.list(images)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("golden.qcow2");
    }
  }
}
