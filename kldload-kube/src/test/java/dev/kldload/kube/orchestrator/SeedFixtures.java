package dev.kldload.kube.orchestrator;

import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.NodeId;
import dev.kldload.kvm.seed.HostKeys;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.node.NodeStore;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** A 1 CP + 2 worker cluster admitted into a scratch state directory, and its host's keys. */
final class SeedFixtures {
  static final ClusterName LAB = ClusterName.of("lab");
  static final String ADMIN = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdminKeyForTests root@host";

  final Path state;
  final ClusterStore store;
  final NodeStore hostStore;
  final NetworkPlan plan = NetworkPlan.defaults();
  final ClusterManifest manifest;
  final NodeSeeds seeds;

  /**
   * @param sshKeys the nodes' SSH host keys: fixed text in unit tests, real ssh-keygen pairs in ITs
   */
  SeedFixtures(Path state, Function<String, HostKeys> sshKeys) {
    this.state = state;
    this.store = new ClusterStore(state);
    this.hostStore = new NodeStore(state);
    NodeSize size = new NodeSize(ByteSize.ofMegabytes(2048), 2);
    ClusterManifest empty =
        new ClusterManifest(
            LAB.value(), "2026-11-30T00:00:00Z", size, size, 40L << 30, ADMIN, null, List.of());
    this.manifest =
        store.admit(
            empty,
            ClusterLayout.of(LAB, 1, 2, NodeId.of(100)),
            plan,
            r -> "qemu:///system",
            sshKeys::apply);
    this.seeds = new NodeSeeds(store, plan, HostPeer.fromNodeStore(plan, hostStore));
  }

  static HostKeys fakeSshKeys(String node) {
    return new HostKeys(
        "-----BEGIN OPENSSH PRIVATE KEY-----\nPRIVATE-SSH-"
            + node
            + "\n-----END OPENSSH PRIVATE KEY-----\n",
        "ssh-ed25519 AAAAPUBLIC" + node.replace("-", "") + " root@" + node);
  }
}
