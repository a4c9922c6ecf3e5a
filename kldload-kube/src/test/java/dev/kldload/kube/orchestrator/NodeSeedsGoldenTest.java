package dev.kldload.kube.orchestrator;

import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.testing.GoldenFiles;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.NodeId;
import dev.kldload.kvm.seed.HostKeys;
import dev.kldload.kvm.xml.MacAddress;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgPrivateKey;
import dev.kldload.net.node.NodeStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's seed and the plan's cluster.yaml, from fixed identities, against reviewed files. */
class NodeSeedsGoldenTest {

  /** A valid, clamped, fixed WireGuard key: 32 copies of {@code n}. */
  static WgPrivateKey fixedKey(int n) {
    byte[] raw = new byte[32];
    Arrays.fill(raw, (byte) n);
    raw[0] &= (byte) 248;
    raw[31] &= 127;
    raw[31] |= 64;
    return WgPrivateKey.parse(Base64.getEncoder().encodeToString(raw));
  }

  /** Same identities on every run: keys, MACs and instance-ids numbered in the order asked. */
  static final class FixedIdentities implements ClusterStore.Identities {
    private final AtomicInteger keys = new AtomicInteger(10);
    private final AtomicInteger macs = new AtomicInteger();

    @Override
    public HostKeys sshHostKeys(String node) {
      return SeedFixtures.fakeSshKeys(node);
    }

    @Override
    public WgPrivateKey wireGuardKey() {
      return fixedKey(keys.incrementAndGet());
    }

    @Override
    public MacAddress mac() {
      return new MacAddress(String.format("52:54:00:00:00:%02x", macs.incrementAndGet()));
    }

    @Override
    public String instanceId(String node) {
      return node + "-0001";
    }
  }

  @Test
  @DisplayName("a worker's user-data, wg files and the cluster.yaml match the golden files")
  void golden(@TempDir Path state) {
    NodeStore hostStore = new NodeStore(state);
    PrivateFiles.write(hostStore.keyFile(PlaneKind.MGMT), fixedKey(1).base64() + "\n");
    PrivateFiles.write(hostStore.keyFile(PlaneKind.K8S), fixedKey(2).base64() + "\n");
    NetworkPlan plan = NetworkPlan.defaults();
    ClusterStore store = new ClusterStore(state);
    NodeSize size = new NodeSize(ByteSize.ofMegabytes(2048), 2);
    ClusterManifest manifest =
        store.admit(
            new ClusterManifest(
                "lab",
                "2026-11-30T00:00:00Z",
                size,
                size,
                40L << 30,
                SeedFixtures.ADMIN,
                null,
                List.of()),
            ClusterLayout.of(SeedFixtures.LAB, 1, 2, NodeId.of(100)),
            plan,
            r -> "qemu:///system",
            new FixedIdentities());
    NodeSeeds seeds = new NodeSeeds(store, plan, HostPeer.fromNodeStore(plan, hostStore));
    NodeSeed worker = seeds.seed(manifest, "lab-w-1");

    GoldenFiles.assertMatches("seeds/lab-w-1.user-data", worker.userData());
    GoldenFiles.assertMatches("seeds/lab-w-1.network-config", worker.networkConfig().orElseThrow());
    GoldenFiles.assertMatches("seeds/lab-w-1.wg-k8s.conf", worker.plane(PlaneKind.K8S).wgQuick());
    GoldenFiles.assertMatches(
        "seeds/cluster.yaml", new PlanDirectory(plan, seeds).clusterYaml(manifest));
  }
}
