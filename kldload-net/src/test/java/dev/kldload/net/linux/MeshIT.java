package dev.kldload.net.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.TestKeys;
import dev.kldload.net.node.PeerView;
import dev.kldload.net.node.PlaneStatus;
import dev.kldload.net.node.StatusView;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three nodes in three namespaces joined by a bridge, with real wireguard-go tunnels on both
 * planes. The tests build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshIT {
  private static MeshNodes nodes;
  private static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    Netns.requireEngines();
    dir = Files.createTempDirectory("kldload-mesh-it");
    nodes = new MeshNodes(3, dir);
    for (int i = 1; i <= 3; i++) {
      MeshNodes.run(nodes.node(i).mesh().init(NodeId.of(i), false));
    }
    for (int i = 1; i <= 3; i++) {
      MeshNodes.run(nodes.node(i).mesh().applyMesh(nodes.mesh()));
    }
  }

  @AfterAll
  static void tearDown() {
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("every node pings every other node over both planes")
  void fullMesh() {
    for (int from = 1; from <= 3; from++) {
      for (int to = 1; to <= 3; to++) {
        if (from != to) {
          assertThat(nodes.ping(from, "10.250.0." + to)).as("mgmt %d -> %d", from, to).isTrue();
          assertThat(nodes.ping(from, "10.251.0." + to)).as("k8s %d -> %d", from, to).isTrue();
        }
      }
    }
  }

  @Test
  @Order(2)
  @DisplayName("status shows fresh handshakes with every managed peer on both planes")
  void statusHandshakes() {
    StatusView status = nodes.node(1).status().status();
    assertThat(status.nodeId()).isEqualTo(1);
    for (PlaneStatus plane : status.planes()) {
      assertThat(plane.up()).as(plane.plane()).isTrue();
      assertThat(plane.peers()).as(plane.plane()).hasSize(2);
      for (PeerView peer : plane.peers()) {
        assertThat(peer.managed()).isTrue();
        assertThat(peer.nodeId()).isIn(2, 3);
        assertThat(peer.latestHandshake()).as("handshake with %s", peer.nodeId()).isNotNull();
        assertThat(peer.stale()).isFalse();
        assertThat(peer.rxBytes()).isPositive();
      }
    }
  }

  @Test
  @Order(3)
  @DisplayName("re-applying the same mesh changes nothing")
  void reapplyIsNoOp() {
    for (int i = 1; i <= 3; i++) {
      PlanResult result = MeshNodes.run(nodes.node(i).mesh().applyMesh(nodes.mesh()));
      assertThat(result.outcomes())
          .allSatisfy(
              o -> assertThat(o.status()).as(o.stepId()).isEqualTo(StepStatus.ALREADY_DONE));
    }
  }

  @Test
  @Order(4)
  @DisplayName("a peer added by hand with wg set survives a re-apply")
  void foreignPeerSurvives() {
    String mgmt = nodes.plans.get(0).mgmt().interfaceName();
    String foreign = TestKeys.PAIRS[5][1];
    nodes.netns.in(
        nodes.ns(1), "wg", "set", mgmt, "peer", foreign, "allowed-ips", "10.250.0.77/32");
    MeshNodes.run(nodes.node(1).mesh().applyMesh(nodes.mesh()));
    String dump = nodes.netns.in(nodes.ns(1), "wg", "show", mgmt, "peers").stdout();
    assertThat(dump).contains(foreign);
    assertThat(dump.strip().split("\n")).hasSize(3);
  }

  @Test
  @Order(5)
  @DisplayName("remove-peer cuts exactly that peer: node 2 unreachable from node 1, node 3 still")
  void removePeer() {
    MeshNodes.run(nodes.node(1).mesh().removePeer(NodeId.of(2)));
    String mgmt = nodes.plans.get(0).mgmt().interfaceName();
    String peers = nodes.netns.in(nodes.ns(1), "wg", "show", mgmt, "peers").stdout();
    assertThat(peers)
        .doesNotContain(nodes.node(2).mesh().keys().mgmtPublicKey())
        .contains(nodes.node(3).mesh().keys().mgmtPublicKey(), TestKeys.PAIRS[5][1]);
    assertThat(nodes.unreachable(1, "10.250.0.2")).isTrue();
    assertThat(nodes.unreachable(1, "10.251.0.2")).isTrue();
    assertThat(nodes.ping(1, "10.250.0.3")).isTrue();
    assertThat(nodes.ping(1, "10.251.0.3")).isTrue();
    assertThat(dir.resolve("node1/wireguard/" + mgmt + ".conf"))
        .content()
        .doesNotContain(nodes.node(2).mesh().keys().mgmtPublicKey())
        .contains(nodes.node(3).mesh().keys().mgmtPublicKey());
  }
}
