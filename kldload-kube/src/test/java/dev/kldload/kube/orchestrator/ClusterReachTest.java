package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepOutcome;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.value.HostName;
import dev.kldload.core.value.NodeId;
import dev.kldload.kube.ssh.InMemoryRemoteShell;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kvm.GuestAddress;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.seed.HostKeys;
import dev.kldload.net.InMemoryWireGuard;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.PeerSpec;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterReachTest {
  /** Virtual time: a wait's sleeps advance it at once, and may change the world as they do. */
  static final class FakeClock implements Conditions.Sleeper {
    long now;
    final List<Duration> slept = new ArrayList<>();
    Runnable onSleep = () -> {};

    @Override
    public synchronized void sleep(Duration duration) {
      now += duration.toNanos();
      slept.add(duration);
      onSleep.run();
    }

    @Override
    public synchronized long nanoTime() {
      return now;
    }
  }

  static final Duration DEADLINE = Duration.ofSeconds(30);
  static final Instant SHAKEN = Instant.parse("2026-11-30T12:00:00Z");

  @TempDir Path state;
  final NetworkPlan plan = NetworkPlan.defaults();
  final FakeClock clock = new FakeClock();
  InMemoryHypervisor hypervisor;
  InMemoryRemoteShell shell;
  KnownHosts knownHosts;
  ClusterFixtures.Handshakes wireGuard;
  ClusterManifest manifest;
  ClusterReach reach;

  @BeforeEach
  void setUp() {
    manifest =
        new SeedFixtures(
                state,
                node ->
                    new HostKeys(
                        "-----BEGIN OPENSSH PRIVATE KEY-----\n" + node + "\n",
                        InMemoryRemoteShell.randomHostKey()))
            .manifest;
    hypervisor = new InMemoryHypervisor();
    knownHosts = KnownHosts.at(state.resolve("clusters/lab/known_hosts"));
    shell = new InMemoryRemoteShell(knownHosts);
    wireGuard = new ClusterFixtures.Handshakes(new InMemoryWireGuard());
    for (PlaneKind kind : PlaneKind.values()) {
      String iface = plan.plane(kind).interfaceName();
      wireGuard.create(iface);
      wireGuard.updatePeers(
          iface,
          manifest.nodes().stream()
              .map(
                  n ->
                      new PeerSpec(
                          NodeId.of(n.id()),
                          key(n, kind),
                          Optional.of(n.lanAddress() + ":" + plan.plane(kind).port()),
                          List.of(plan.plane(kind).peerRoute(NodeId.of(n.id()))),
                          25))
              .toList(),
          List.of());
    }
    for (NodeRecord n : manifest.nodes()) {
      hypervisor.define(
          "<domain type='qemu'><name>"
              + n.name()
              + "</name><memory unit='KiB'>1024</memory><vcpu>1</vcpu></domain>");
      hypervisor.start(n.name());
    }
    reach =
        new ClusterReach(
            plan,
            uri -> hypervisor,
            shell,
            knownHosts,
            wireGuard,
            ClusterReach.Deadlines.of(DEADLINE),
            token -> new Conditions(clock, token, Duration.ofMillis(100), Duration.ofSeconds(2)));
  }

  static WgKey key(NodeRecord n, PlaneKind kind) {
    return WgKey.parse(kind == PlaneKind.MGMT ? n.mgmtPublicKey() : n.k8sPublicKey());
  }

  /** The node's lease, sshd with its own host key and cloud-init done, both planes shaken. */
  void up(NodeRecord n) {
    lease(n, n.lanAddress());
    sshd(n);
    handshakes(n);
  }

  void lease(NodeRecord n, String address) {
    hypervisor.lease(n.name(), new GuestAddress("vnet0", n.mac(), address, 24));
  }

  void sshd(NodeRecord n) {
    shell.serve(
        n.lanAddress(),
        22,
        n.sshHostKey(),
        (argv, stdin) ->
            switch (String.join(" ", argv)) {
              case "cloud-init status --wait" ->
                  Optional.of(new InMemoryRemoteShell.Reply(0, "status: done\n", ""));
              case "test -e " + ClusterReach.BOOT_FINISHED ->
                  Optional.of(new InMemoryRemoteShell.Reply(0, "", ""));
              default -> Optional.empty();
            });
  }

  void handshakes(NodeRecord n) {
    for (PlaneKind kind : PlaneKind.values()) {
      wireGuard.set(key(n, kind), SHAKEN);
    }
  }

  Plan plan() {
    return Plan.builder("reach")
        .addAll(reach.steps(manifest, node -> List.of(), List.of()))
        .build();
  }

  PlanResult run() {
    // one step at a time: the steps share the fake clock
    return PlanEngine.quiet(1).run(plan(), false);
  }

  static Map<String, StepStatus> statuses(PlanResult result) {
    return result.outcomes().stream()
        .collect(Collectors.toMap(StepOutcome::stepId, StepOutcome::status));
  }

  @Test
  @DisplayName(
      "each node is reached (lease, SSH with its pinned key, cloud-init) and shakes hands on both"
          + " planes; a re-run finds every step done")
  void reachesEveryNode() {
    manifest.nodes().forEach(this::up);
    PlanResult result = run();
    assertThat(result.exitCode()).as("%s", statuses(result)).isEqualTo(ExitCode.OK);
    List<String> ids = result.outcomes().stream().map(StepOutcome::stepId).toList();
    NodeRecord cp = manifest.nodes().get(0);
    assertThat(ids)
        .contains(
            "reach/" + cp.name(),
            "mesh/handshake/" + cp.name() + "/mgmt",
            "mesh/handshake/" + cp.name() + "/k8s")
        .hasSize(manifest.nodes().size() * 3);
    for (NodeRecord n : manifest.nodes()) {
      assertThat(knownHosts.types(HostName.of(n.name()))).containsExactly("ssh-ed25519");
    }
    assertThat(shell.calls())
        .filteredOn(c -> c.target().node().value().equals(cp.name()))
        .extracting(c -> String.join(" ", c.argv()))
        .contains("true", "cloud-init status --wait");
    assertThat(shell.calls()).allSatisfy(c -> assertThat(c.target().user()).isEqualTo("root"));
    assertThat(run().withStatus(StepStatus.ALREADY_DONE)).hasSize(manifest.nodes().size() * 3);
  }

  @Test
  @DisplayName(
      "waits by polling, with growing pauses on the clock, until the lease and sshd appear")
  void waitsForLeaseAndSsh() {
    NodeRecord cp = manifest.nodes().get(0);
    manifest.nodes().stream().skip(1).forEach(this::up);
    handshakes(cp);
    clock.onSleep =
        () -> {
          if (clock.slept.size() == 3) {
            lease(cp, cp.lanAddress());
          }
          if (clock.slept.size() == 6) {
            sshd(cp);
          }
        };
    PlanResult result = run();
    assertThat(result.exitCode()).as("%s", statuses(result)).isEqualTo(ExitCode.OK);
    assertThat(clock.slept).hasSize(6);
    assertThat(clock.slept.get(1)).isGreaterThan(clock.slept.get(0));
    assertThat(Duration.ofNanos(clock.now)).isLessThan(DEADLINE);
  }

  @Test
  @DisplayName(
      "a node that never answers SSH fails its own steps only: siblings are reached, the run ends"
          + " degraded (exit 3) and nothing is undone")
  void oneNodeDown() {
    NodeRecord down = manifest.nodes().get(2);
    manifest.nodes().stream().limit(2).forEach(this::up);
    lease(down, down.lanAddress());
    PlanResult result = run();
    assertThat(result.exitCode()).isEqualTo(ExitCode.DEGRADED);
    Map<String, StepStatus> statuses = statuses(result);
    assertThat(statuses.get("reach/" + down.name())).isEqualTo(StepStatus.FAILED);
    assertThat(statuses.get("mesh/handshake/" + down.name() + "/mgmt"))
        .isEqualTo(StepStatus.CANCELLED);
    assertThat(statuses.get("reach/" + manifest.nodes().get(0).name()))
        .isEqualTo(StepStatus.APPLIED);
    assertThat(result.undone()).isEmpty();
    StepOutcome failed = result.withStatus(StepStatus.FAILED).get(0);
    assertThat(failed.errorMessage())
        .contains("timed out after 30s")
        .contains("SSH as root on " + down.name())
        .contains(down.lanAddress());
    // the pin was made before the first connection, from the manifest
    assertThat(knownHosts.types(HostName.of(down.name()))).containsExactly("ssh-ed25519");
  }

  @Test
  @DisplayName("a lease of another address than the recorded one fails at once, naming both")
  void wrongLease() {
    NodeRecord cp = manifest.nodes().get(0);
    manifest.nodes().stream().skip(1).forEach(this::up);
    lease(cp, "192.168.122.77");
    sshd(cp);
    PlanResult result = run();
    assertThat(result.exitCode()).isEqualTo(ExitCode.DEGRADED);
    StepOutcome failed = result.withStatus(StepStatus.FAILED).get(0);
    assertThat(failed.stepId()).isEqualTo("reach/" + cp.name());
    assertThat(failed.errorMessage())
        .contains("192.168.122.77")
        .contains(cp.lanAddress())
        .contains(cp.mac());
    assertThat(clock.slept).isEmpty();
    assertThat(shell.calls()).noneMatch(c -> c.target().node().value().equals(cp.name()));
  }

  @Test
  @DisplayName("no lease before the deadline is a timeout of the reach naming the MAC")
  void noLease() {
    NodeRecord cp = manifest.nodes().get(0);
    manifest.nodes().stream().skip(1).forEach(this::up);
    PlanResult result = run();
    StepOutcome failed = result.withStatus(StepStatus.FAILED).get(0);
    assertThat(failed.stepId()).isEqualTo("reach/" + cp.name());
    assertThat(failed.errorMessage())
        .contains("a DHCP lease of " + cp.name() + " for MAC " + cp.mac());
    assertThat(Duration.ofNanos(clock.now)).isEqualTo(DEADLINE);
  }

  @Test
  @DisplayName("cloud-init ending in error fails the reach with its output")
  void cloudInitError() {
    NodeRecord cp = manifest.nodes().get(0);
    manifest.nodes().forEach(this::up);
    shell.serve(
        cp.lanAddress(),
        22,
        cp.sshHostKey(),
        (argv, stdin) ->
            argv.get(0).equals("cloud-init")
                ? Optional.of(
                    new InMemoryRemoteShell.Reply(1, "status: error\n", "write_files failed\n"))
                : Optional.empty());
    PlanResult result = run();
    StepOutcome failed = result.withStatus(StepStatus.FAILED).get(0);
    assertThat(failed.stepId()).isEqualTo("reach/" + cp.name());
    assertThat(failed.errorMessage()).contains("cloud-init exited 1").contains("write_files");
  }

  @Test
  @DisplayName(
      "a plane without a handshake times out naming the interface and peer; the other plane and"
          + " nodes pass")
  void missingHandshake() {
    manifest.nodes().forEach(this::up);
    NodeRecord w = manifest.nodes().get(1);
    wireGuard.clear(key(w, PlaneKind.K8S));
    PlanResult result = run();
    assertThat(result.exitCode()).isEqualTo(ExitCode.DEGRADED);
    StepOutcome failed = result.withStatus(StepStatus.FAILED).get(0);
    assertThat(failed.stepId()).isEqualTo("mesh/handshake/" + w.name() + "/k8s");
    assertThat(failed.errorMessage())
        .contains("timed out")
        .contains("wg-k8s")
        .contains(key(w, PlaneKind.K8S).base64());
    // what the wait saw last is the hint of the timeout
    assertThat(((KldloadException) failed.error().orElseThrow()).hint())
        .hasValueSatisfying(h -> assertThat(h).contains("has had no handshake"));
    assertThat(statuses(result).get("mesh/handshake/" + w.name() + "/mgmt"))
        .isEqualTo(StepStatus.ALREADY_DONE);
  }

  @Test
  @DisplayName("the steps wait for what the caller names: the node's start and the mesh join")
  void dependencies() {
    NodeRecord cp = manifest.nodes().get(0);
    Plan.Builder builder = Plan.builder("wired");
    builder.add(Step.named("clones/" + cp.name() + "/start").doneWhen(c -> true).apply(c -> {}));
    builder.add(Step.named("mesh/host-join").doneWhen(c -> true).apply(c -> {}));
    Plan wired =
        builder
            .addAll(
                reach.steps(
                    new ClusterManifest(
                        manifest.name(),
                        manifest.created(),
                        manifest.controlPlaneSize(),
                        manifest.workerSize(),
                        manifest.diskBytes(),
                        manifest.adminPublicKey(),
                        manifest.goldenSnapshot(),
                        List.of(cp)),
                    node -> List.of("clones/" + node + "/start"),
                    List.of("mesh/host-join")))
            .build();
    assertThat(wired.step("reach/" + cp.name()).dependsOn())
        .containsExactly("clones/" + cp.name() + "/start");
    assertThat(wired.step("mesh/handshake/" + cp.name() + "/k8s").dependsOn())
        .containsExactlyInAnyOrder("reach/" + cp.name(), "mesh/host-join");
    assertThat(wired.step("reach/" + cp.name()).critical()).isFalse();
  }

  @Test
  @DisplayName("a deadline must be positive")
  void deadlines() {
    assertThat(ClusterReach.Deadlines.defaults().lease()).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(
            () -> new ClusterReach.Deadlines(Duration.ZERO, DEADLINE, DEADLINE, DEADLINE))
        .isInstanceOf(KldloadException.class);
  }
}
