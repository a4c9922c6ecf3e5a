package dev.kldload.kvm.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Decisions;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanCuts;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.ProgressListener;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.CreateRequest;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.disk.Qcow2Backend;
import dev.kldload.kvm.seed.NoCloudSeed;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.MacAddress;
import dev.kldload.kvm.xml.OsVariant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kvm-create runs that end early (killed between steps, failing in one, interrupted) on the
 * in-memory hypervisor with real qcow2 files and seeds; each case gets its own host, whose state
 * outlives the runs made on it.
 */
class VmCreationIT {
  static final List<String> STEPS = List.of("disk", "seed", "define", "start");
  static final SystemProcessRunner RUNNER = new SystemProcessRunner();
  @TempDir Path tmp;
  final VmName vm = VmName.of("web01");

  @BeforeEach
  void tools() {
    for (String tool : List.of("qemu-img", "xorriso", "ssh-keygen")) {
      Requirements.require(Requirements.onPath(tool), tool);
    }
  }

  /** One host: hypervisor, images and state directory, shared by the runs of a case. */
  final class Host {
    final Path dir;
    final InMemoryHypervisor hypervisor = new InMemoryHypervisor();
    final Qcow2Backend qcow2;
    final Path image;
    final Path key;
    Optional<Path> adminKey;

    Host(String name) throws Exception {
      dir = tmp.resolve(name);
      qcow2 = new Qcow2Backend(dir.resolve("images"), RUNNER, Clock.systemUTC());
      Files.createDirectories(dir);
      image = dir.resolve("cloud.qcow2");
      RUNNER.check(
          ProcessSpec.of("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "64M")
              .build());
      key = dir.resolve("admin.pub");
      Files.writeString(key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIadmin admin@host\n");
      adminKey = Optional.of(key);
    }

    KvmServices services(boolean dryRun) {
      return KvmServices.of(
          hypervisor,
          List.of(qcow2),
          RUNNER,
          new KvmSettings(
              dir.resolve("images"),
              dir.resolve("state"),
              "qemu",
              dir.resolve("code.fd"),
              dir.resolve("vars.fd")),
          Clock.systemUTC(),
          dryRun);
    }

    CreateRequest request(ByteSize memory) {
      return new CreateRequest(
          vm,
          memory,
          1,
          ByteSize.ofGigabytes(1),
          Optional.empty(),
          Optional.of(image),
          new DomainSpec.Nic(DomainSpec.NicKind.NETWORK, "default"),
          "127.0.0.1",
          false,
          true,
          adminKey,
          Optional.empty(),
          OsVariant.GENERIC);
    }

    /** The plan a (re-)run of the same kvm-create builds. */
    Plan plan() {
      return services(false).creation().create(request(ByteSize.ofMegabytes(512)), qcow2);
    }

    Path decisionsFile() {
      return dir.resolve("state/kvm/web01/decisions.json");
    }

    Decisions decisions() {
      return Decisions.at(decisionsFile());
    }

    Path seed() {
      return dir.resolve("images/web01-seed.iso");
    }

    Path pinnedKey() {
      return dir.resolve("state/kvm/web01/ssh_host_ed25519_key.pub");
    }

    /** Whether nothing of a create remains: no domain, disk, seed or pinned key. */
    void assertNothingMade() {
      assertThat(hypervisor.domain("web01")).isEmpty();
      assertThat(qcow2.exists(vm)).isFalse();
      assertThat(seed()).doesNotExist();
      assertThat(pinnedKey()).doesNotExist();
    }

    /** The finished VM, with the MAC and instance-id recorded by the first run. */
    void assertCreatedAsDecided() {
      MacAddress mac = new MacAddress(decisions().recorded("mac.0").orElseThrow());
      String instanceId = decisions().recorded("instance-id").orElseThrow();
      assertThat(hypervisor.domain("web01").orElseThrow().xml()).contains(mac.value());
      assertThat(hypervisor.domain("web01").orElseThrow().state()).isEqualTo(DomainState.RUNNING);
      assertThat(NoCloudSeed.carries(seed(), instanceId, List.of(mac))).isTrue();
      assertThat(qcow2.partial(vm)).isFalse();
    }
  }

  @Test
  @DisplayName("the create plan is disk, seed, define, start (the steps the cases below cut)")
  void steps() throws Exception {
    assertThat(new Host("steps").plan().ordered()).extracting(Step::id).isEqualTo(STEPS);
  }

  @Test
  @DisplayName(
      "killed between any two steps, a re-run converges with the first run's MAC and instance-id")
  void resumesAfterACrashBetweenAnyTwoSteps() throws Exception {
    for (int k = 1; k < STEPS.size(); k++) {
      Host host = new Host("crash-" + k);
      PlanEngine.quiet(1).run(PlanCuts.prefix(host.plan(), k), false).throwIfFailed();
      resumeAndCheck(host, k);
    }
    // without --ssh-key the admin key is generated first: a crash right after it resumes too
    Host host = new Host("crash-admin-key");
    host.adminKey = Optional.empty();
    int afterKey = host.plan().ordered().stream().map(Step::id).toList().indexOf("admin-key") + 1;
    assertThat(afterKey).isPositive();
    PlanEngine.quiet(1).run(PlanCuts.prefix(host.plan(), afterKey), false).throwIfFailed();
    resumeAndCheck(host, afterKey);
  }

  /** Re-runs the create killed after step {@code k} and checks it kept the first choices. */
  private void resumeAndCheck(Host host, int k) {
    Optional<String> mac = host.decisions().recorded("mac.0");
    Optional<String> instanceId = host.decisions().recorded("instance-id");

    PlanEngine.quiet(1).run(host.plan(), false).throwIfFailed();

    assertThat(host.decisions().recorded("mac.0")).as("after step %d", k).isEqualTo(mac);
    assertThat(host.decisions().recorded("instance-id")).isEqualTo(instanceId);
    host.assertCreatedAsDecided();
  }

  @Test
  @DisplayName(
      "killed while copying the image, a run leaves a partial file that the re-run replaces")
  void partialDiskIsRedone() throws Exception {
    Host host = new Host("partial");
    host.plan(); // the killed run's: its choices are recorded before the copy starts
    Optional<String> mac = host.decisions().recorded("mac.0");
    assertThat(mac).isPresent();
    Path partial = host.dir.resolve("images/.web01.partial.qcow2");
    Files.createDirectories(partial.getParent());
    Files.writeString(partial, "the first 4 KiB of a copy");

    PlanEngine.quiet(1).run(host.plan(), false).throwIfFailed();

    assertThat(partial).doesNotExist();
    assertThat(host.decisions().recorded("mac.0")).isEqualTo(mac);
    host.assertCreatedAsDecided();
  }

  @Test
  @DisplayName("a run failing in any step removes what it made and nothing that was there before")
  void failureUndoesThisRun() throws Exception {
    for (String failing : STEPS) {
      Host host = new Host("fail-" + failing);
      PlanResult result = PlanEngine.quiet(1).run(PlanCuts.failingAt(host.plan(), failing), false);
      assertThat(result.exitCode().code()).as("failing in %s", failing).isNotZero();
      host.assertNothingMade();
      assertThat(host.image).exists();
      assertThat(host.key).exists();
    }
    // a disk an earlier (killed) run made is not this run's to remove
    Host host = new Host("fail-after-resume");
    PlanEngine.quiet(1).run(PlanCuts.prefix(host.plan(), 1), false).throwIfFailed();
    PlanResult result = PlanEngine.quiet(1).run(PlanCuts.failingAt(host.plan(), "define"), false);
    assertThat(result.undone()).extracting(o -> o.stepId()).containsExactly("seed");
    assertThat(host.qcow2.exists(vm)).isTrue();
    assertThat(host.seed()).doesNotExist();
    PlanEngine.quiet(1).run(host.plan(), false).throwIfFailed();
    host.assertCreatedAsDecided();
  }

  @Test
  @DisplayName("interrupted in any step, a run keeps what it did and the re-run completes")
  void interruptKeepsWhatWasDone() throws Exception {
    for (int i = 0; i < STEPS.size(); i++) {
      Host host = new Host("interrupt-" + i);
      CancellationToken token = new CancellationToken();
      PlanResult result =
          new PlanEngine(1, Optional.empty(), ProgressListener.NONE, token, Clock.systemUTC())
              .run(PlanCuts.interruptedAt(host.plan(), STEPS.get(i), token), false);
      assertThat(result.interrupted()).isTrue();
      assertThat(result.undone()).isEmpty();
      assertThat(host.qcow2.exists(vm)).as("disk kept after %s", STEPS.get(i)).isEqualTo(i > 0);
      assertThat(Files.exists(host.seed())).as("seed kept").isEqualTo(i > 1);
      assertThat(host.hypervisor.domain("web01").isPresent()).isEqualTo(i > 2);

      PlanEngine.quiet(1).run(host.plan(), false).throwIfFailed();
      host.assertCreatedAsDecided();
    }
  }

  @Test
  @DisplayName(
      "a dry-run records no decision; another request for a half-made VM is refused; kvm-delete"
          + " forgets the decisions")
  void decisionsLifecycle() throws Exception {
    Host host = new Host("lifecycle");
    host.services(true).creation().create(host.request(ByteSize.ofMegabytes(512)), host.qcow2);
    assertThat(host.decisionsFile()).doesNotExist();

    PlanEngine.quiet(1).run(PlanCuts.prefix(host.plan(), 1), false).throwIfFailed();
    assertThat(
            Files.getPosixFilePermissions(host.decisionsFile()).stream()
                .map(Object::toString)
                .toList())
        .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    assertThatThrownBy(
            () ->
                host.services(false)
                    .creation()
                    .create(host.request(ByteSize.ofMegabytes(1024)), host.qcow2))
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining("already exists")
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT));

    PlanEngine.quiet(1).run(host.plan(), false).throwIfFailed();
    PlanEngine.quiet(1)
        .run(host.services(false).deletion().delete(vm, true), false)
        .throwIfFailed();
    assertThat(host.decisionsFile()).doesNotExist();
    host.assertNothingMade();
  }
}
