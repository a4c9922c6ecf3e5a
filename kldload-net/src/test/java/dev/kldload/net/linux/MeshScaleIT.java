package dev.kldload.net.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.Mesh;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A 10-node mesh in namespaces: how long a full reconcile takes (logged on stderr as {@code
 * mesh-timing:} lines), and that a second reconcile changes nothing.
 */
class MeshScaleIT {
  private static final int NODES = 10;

  @Test
  @DisplayName("a 10-node mesh reconciles on every node, and a second reconcile changes nothing")
  void tenNodes() throws Exception {
    Netns.requireEngines();
    Path dir = Files.createTempDirectory("kldload-mesh-scale");
    long t0 = System.nanoTime();
    try (MeshNodes nodes = new MeshNodes(NODES, dir)) {
      long t1 = System.nanoTime();
      for (int i = 1; i <= NODES; i++) {
        MeshNodes.run(nodes.node(i).mesh().init(NodeId.of(i), false));
      }
      long t2 = System.nanoTime();
      Mesh mesh = nodes.mesh();
      for (int i = 1; i <= NODES; i++) {
        MeshNodes.run(nodes.node(i).mesh().applyMesh(mesh));
      }
      long t3 = System.nanoTime();
      for (int i = 1; i <= NODES; i++) {
        PlanResult again = MeshNodes.run(nodes.node(i).mesh().applyMesh(mesh));
        assertThat(again.outcomes())
            .allSatisfy(o -> assertThat(o.status()).isEqualTo(StepStatus.ALREADY_DONE));
      }
      long t4 = System.nanoTime();
      System.err.printf(
          "mesh-timing: %d nodes: namespaces %d ms, init (2 planes each) %d ms,"
              + " apply full mesh %d ms (%d ms/node), no-op re-apply %d ms%n",
          NODES,
          (t1 - t0) / 1_000_000,
          (t2 - t1) / 1_000_000,
          (t3 - t2) / 1_000_000,
          (t3 - t2) / 1_000_000 / NODES,
          (t4 - t3) / 1_000_000);
      assertThat(nodes.node(1).status().status().planes())
          .allSatisfy(p -> assertThat(p.peers()).hasSize(NODES - 1));
      assertThat(nodes.ping(1, "10.251.0." + NODES)).isTrue();
      assertThat(nodes.ping(NODES, "10.250.0.1")).isTrue();
    }
  }
}
