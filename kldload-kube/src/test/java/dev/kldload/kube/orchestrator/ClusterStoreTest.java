package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.NodeId;
import dev.kldload.kvm.seed.HostKeys;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.PlaneKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterStoreTest {
  private static final ClusterName LAB = ClusterName.of("lab");
  private static final NodeSize SIZE = new NodeSize(ByteSize.ofMegabytes(2048), 2);

  /** Counts what it makes, so a test sees whether a run made new identities. */
  static final class CountingIdentities implements ClusterStore.Identities {
    final AtomicInteger sshKeys = new AtomicInteger();

    @Override
    public HostKeys sshHostKeys(String node) {
      int n = sshKeys.incrementAndGet();
      return new HostKeys("PRIVATE-" + node + "-" + n, "ssh-ed25519 AAAA" + n + " root@" + node);
    }
  }

  private static ClusterManifest empty() {
    return empty("lab");
  }

  static ClusterManifest empty(String name) {
    return new ClusterManifest(
        name, "2026-11-30T00:00:00Z", SIZE, SIZE, 40L << 30, "ssh-ed25519 ADMIN", null, List.of());
  }

  @Test
  @DisplayName(
      "admit records each node's identity once, keys 0600 before the manifest, reused after")
  void admitOnce(@TempDir Path state) throws Exception {
    ClusterStore store = new ClusterStore(state);
    CountingIdentities identities = new CountingIdentities();
    ClusterLayout layout = ClusterLayout.of(LAB, 1, 2, NodeId.of(100));
    ClusterManifest first =
        store.admit(empty(), layout, NetworkPlan.defaults(), r -> "test:///default", identities);

    assertThat(first.nodes())
        .extracting(
            NodeRecord::name,
            NodeRecord::lanAddress,
            NodeRecord::mgmtAddress,
            NodeRecord::k8sAddress)
        .containsExactly(
            tuple("lab-cp", "192.168.122.10", "10.250.0.1/24", "10.251.0.1/24"),
            tuple("lab-w-1", "192.168.122.11", "10.250.0.2/24", "10.251.0.2/24"),
            tuple("lab-w-2", "192.168.122.12", "10.250.0.3/24", "10.251.0.3/24"));
    Path manifest = store.manifestFile(LAB);
    Path key = store.keyDir(LAB, "lab-w-1").resolve("wg-mgmt.key");
    for (Path file : List.of(manifest, key)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
    assertThat(Files.readString(manifest)).doesNotContain("PRIVATE-");
    assertThat(store.wireGuardKey(LAB, "lab-w-1", PlaneKind.MGMT).publicKey().base64())
        .isEqualTo(first.node("lab-w-1").orElseThrow().mgmtPublicKey());

    ClusterManifest reloaded = store.load(LAB).orElseThrow();
    assertThat(reloaded).isEqualTo(first);
    ClusterManifest again =
        store.admit(reloaded, layout, NetworkPlan.defaults(), r -> "other", identities);
    assertThat(again).isEqualTo(first);
    assertThat(identities.sshKeys).hasValue(3);
  }

  @Test
  @DisplayName("scaling up admits only the new workers; the others keep their MACs and keys")
  void scaleUp(@TempDir Path state) {
    ClusterStore store = new ClusterStore(state);
    CountingIdentities identities = new CountingIdentities();
    ClusterManifest two =
        store.admit(
            empty(),
            ClusterLayout.of(LAB, 1, 2, NodeId.of(100)),
            NetworkPlan.defaults(),
            r -> "h",
            identities);
    ClusterManifest three =
        store.admit(
            two,
            ClusterLayout.of(LAB, 1, 3, NodeId.of(100)),
            NetworkPlan.defaults(),
            r -> "h",
            identities);
    assertThat(three.nodes()).startsWith(two.nodes().toArray(NodeRecord[]::new)).hasSize(4);
    assertThat(identities.sshKeys).hasValue(4);
    assertThat(store.list()).containsExactly(LAB);
  }
}
