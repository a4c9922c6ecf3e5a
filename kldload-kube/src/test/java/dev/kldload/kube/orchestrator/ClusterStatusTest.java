package dev.kldload.kube.orchestrator;

import static dev.kldload.kube.orchestrator.ClusterBootstrapTest.FAKE_ISO;
import static dev.kldload.kube.orchestrator.ClusterBootstrapTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.output.Renderer;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.value.VmName;
import dev.kldload.kube.orchestrator.ClusterStatus.ClusterReport;
import dev.kldload.kube.orchestrator.ClusterStatus.NodeReport;
import dev.kldload.kube.orchestrator.ClusterStatus.Verdict;
import dev.kldload.net.InMemoryWireGuard;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Status over a cluster bootstrapped on the in-memory engines, with handshakes set by the test. */
class ClusterStatusTest {
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @TempDir Path tmp;

  private static ClusterStatus status(ClusterBootstrapTest.Rig rig, ClusterFixtures.Handshakes wg) {
    return new ClusterStatus(
        rig.plan, uri -> rig.hypervisor, uri -> rig.disks, wg, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** A bootstrapped 1 CP + 2 worker cluster whose every peer handshook 20 s ago. */
  private static ClusterFixtures.Handshakes healthy(ClusterBootstrapTest.Rig rig) {
    assertThat(run(rig.plan()).withStatus(StepStatus.FAILED)).isEmpty();
    ClusterFixtures.Handshakes wg = new ClusterFixtures.Handshakes(rig.wireGuard);
    for (NodeRecord node : rig.manifest.nodes()) {
      wg.set(ClusterFixtures.mgmtKey(node), NOW.minusSeconds(20));
      wg.set(ClusterFixtures.k8sKey(node), NOW.minusSeconds(20));
    }
    return wg;
  }

  @Test
  @DisplayName(
      "a running cluster with fresh handshakes is HEALTHY (exit 0), with every node's facts")
  void healthyCluster() throws Exception {
    ClusterBootstrapTest.Rig rig = new ClusterBootstrapTest.Rig(tmp, 2, FAKE_ISO);
    ClusterReport report = status(rig, healthy(rig)).report(rig.manifest);
    assertThat(report.reasons()).isEmpty();
    assertThat(report.verdict()).isEqualTo(Verdict.HEALTHY);
    assertThat(report.exitCode()).isEqualTo(ExitCode.OK);
    assertThat(report.nodes())
        .extracting(NodeReport::name)
        .containsExactly("lab-cp", "lab-w-1", "lab-w-2");
    NodeReport cp = report.nodes().get(0);
    NodeRecord record = rig.manifest.node("lab-cp").orElseThrow();
    assertThat(cp.role()).isEqualTo("control-plane");
    assertThat(cp.host()).isEqualTo(ClusterBootstrapTest.URI);
    assertThat(cp.state()).isEqualTo("running");
    assertThat(cp.managed()).isTrue();
    assertThat(cp.lanAddress()).isEqualTo(record.lanAddress());
    assertThat(cp.mgmtAddress()).isEqualTo(record.mgmtAddress());
    assertThat(cp.k8sAddress()).isEqualTo(record.k8sAddress());
    assertThat(cp.disk().path()).isEqualTo("/dev/zvol/rpool/vms/lab-cp");
    assertThat(cp.disk().exists()).isTrue();
    assertThat(cp.disk().partial()).isFalse();
    assertThat(cp.disk().capacityBytes()).isEqualTo(20L << 30);
    assertThat(cp.disk().usedBytes()).isNotNull();
    assertThat(cp.disk().origin()).isEqualTo("k8s-golden@golden");
    assertThat(cp.mesh())
        .extracting(ClusterStatus.PeerReport::plane)
        .containsExactly("mgmt", "k8s");
    assertThat(cp.mesh())
        .allSatisfy(
            p -> {
              assertThat(p.configured()).isTrue();
              assertThat(p.handshakeAgeSeconds()).isEqualTo(20L);
              assertThat(p.latestHandshake()).isEqualTo(NOW.minusSeconds(20));
            });

    String json = Renderer.toJson(report);
    assertThat(json)
        .contains(
            "\"cluster\" : \"lab\"",
            "\"verdict\" : \"HEALTHY\"",
            "\"reasons\" : [ ]",
            "\"lanAddress\"",
            "\"mgmtAddress\"",
            "\"k8sAddress\"",
            "\"usedBytes\"",
            "\"origin\" : \"k8s-golden@golden\"",
            "\"handshakeAgeSeconds\" : 20",
            "\"latestHandshake\" : \"2026-11-30T11:59:40Z\"")
        .doesNotContain("exitCode");
    assertThat(Renderer.toYaml(report)).contains("verdict: HEALTHY", "interfaceName: wg-mgmt");
    String table = ClusterStatus.table(report);
    assertThat(table).startsWith("cluster lab: HEALTHY\n\nNODE ");
    assertThat(table.lines().skip(2).findFirst().orElseThrow())
        .contains("ROLE", "STATE", "LAN", "WG-MGMT", "WG-K8S", "DISK", "USED", "MGMT-HANDSHAKE");
    assertThat(table).contains("lab-w-2", "20s ago");
  }

  @Test
  @DisplayName(
      "a stopped domain, a missing disk, a missing peer, a stale and a missing handshake make it"
          + " DEGRADED (exit 3), one reason each naming node and plane")
  void degraded() throws Exception {
    ClusterBootstrapTest.Rig rig = new ClusterBootstrapTest.Rig(tmp, 2, FAKE_ISO);
    ClusterFixtures.Handshakes wg = healthy(rig);
    NodeRecord cp = rig.manifest.node("lab-cp").orElseThrow();
    NodeRecord w2 = rig.manifest.node("lab-w-2").orElseThrow();
    rig.hypervisor.shutdown("lab-w-1");
    rig.disks.destroy(VmName.of("lab-w-2"));
    wg.set(ClusterFixtures.mgmtKey(cp), NOW.minusSeconds(400));
    rig.wireGuard.updatePeers("wg-k8s", List.of(), List.of(ClusterFixtures.k8sKey(cp)));
    // a peer that never completed a handshake
    wg.clear(ClusterFixtures.k8sKey(w2));

    ClusterReport report = status(rig, wg).report(rig.manifest);
    assertThat(report.verdict()).isEqualTo(Verdict.DEGRADED);
    assertThat(report.exitCode()).isEqualTo(ExitCode.DEGRADED);
    assertThat(report.reasons())
        .containsExactly(
            "lab-cp wg-mgmt: last handshake 400s ago (more than 180s)",
            "lab-cp wg-k8s: the host has no peer with the node's key",
            "lab-w-1: domain is shut-off",
            "lab-w-2: no disk /dev/zvol/rpool/vms/lab-w-2",
            "lab-w-2 wg-k8s: no handshake yet");
    NodeReport reportW2 = report.nodes().get(2);
    assertThat(reportW2.disk().exists()).isFalse();
    assertThat(reportW2.disk().usedBytes()).isNull();
    assertThat(reportW2.mesh().get(1).handshakeAgeSeconds()).isNull();
    assertThat(report.nodes().get(0).mesh().get(1).configured()).isFalse();
    String table = ClusterStatus.table(report);
    assertThat(table)
        .startsWith("cluster lab: DEGRADED\n  lab-cp wg-mgmt: last handshake 400s ago")
        .contains("no peer", "never", "missing", "shut-off");
  }

  @Test
  @DisplayName(
      "a cluster with nothing built (no domains, disks or interfaces) answers at once, DEGRADED,"
          + " and a foreign domain with a node's name is called out")
  void nothingBuilt() throws Exception {
    ClusterBootstrapTest.Rig rig = new ClusterBootstrapTest.Rig(tmp, 1, FAKE_ISO);
    ClusterFixtures.foreignDomain(rig, "lab-w-1");
    ClusterStatus status =
        new ClusterStatus(
            rig.plan,
            uri -> rig.hypervisor,
            uri -> rig.disks,
            new InMemoryWireGuard(),
            Clock.fixed(NOW, ZoneOffset.UTC));
    long start = System.nanoTime();
    ClusterReport report = status.report(rig.manifest);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(ms).isLessThan(2000);
    assertThat(report.verdict()).isEqualTo(Verdict.DEGRADED);
    assertThat(report.reasons())
        .containsExactly(
            "lab-cp: no domain on memory:///",
            "lab-cp: no disk /dev/zvol/rpool/vms/lab-cp",
            "lab-cp wg-mgmt: the host has no wg-mgmt interface",
            "lab-cp wg-k8s: the host has no wg-k8s interface",
            "lab-w-1: domain lab-w-1 on memory:/// is not this cluster's (no kube-cluster marks"
                + " for lab)",
            "lab-w-1: no disk /dev/zvol/rpool/vms/lab-w-1",
            "lab-w-1 wg-mgmt: the host has no wg-mgmt interface",
            "lab-w-1 wg-k8s: the host has no wg-k8s interface");
    assertThat(report.nodes().get(0).state()).isEqualTo("missing");
    assertThat(report.nodes().get(1).state()).isEqualTo("shut-off");
    assertThat(report.nodes().get(1).managed()).isFalse();
    assertThat(ClusterStatus.table(report)).contains("shut-off (foreign)");
  }

  @Test
  @DisplayName("a host that does not answer makes its nodes 'unknown', with the host's error")
  void unreachableHost() throws Exception {
    ClusterBootstrapTest.Rig rig = new ClusterBootstrapTest.Rig(tmp, 1, FAKE_ISO);
    ClusterStatus status =
        new ClusterStatus(
            rig.plan,
            uri -> {
              throw new KldloadException(ErrorKind.UNAVAILABLE, "cannot connect to " + uri, null);
            },
            uri -> rig.disks,
            rig.wireGuard,
            Clock.fixed(NOW, ZoneOffset.UTC));
    ClusterReport report = status.report(rig.manifest);
    assertThat(report.nodes()).extracting(NodeReport::state).containsOnly("unknown");
    assertThat(report.reasons())
        .contains("lab-cp: host memory:/// did not answer: cannot connect to memory:///");
  }
}
