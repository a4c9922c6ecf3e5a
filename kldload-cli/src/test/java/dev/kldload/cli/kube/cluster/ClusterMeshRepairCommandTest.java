package dev.kldload.cli.kube.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.cli.CliHarness;
import dev.kldload.kube.ssh.InMemoryRemoteShell;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.net.WgPeerState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kube-cluster mesh-repair} on in-memory engines; the nodes do not answer SSH ({@link
 * InMemoryRemoteShell} serving none), so their planes are repaired only in the real-boot tier.
 */
class ClusterMeshRepairCommandTest {
  @TempDir Path dir;
  ClusterTestBed bed;
  final InMemoryRemoteShell shell = new InMemoryRemoteShell(KnownHosts.at(Path.of("/nonexistent")));

  @BeforeEach
  void setUp() throws Exception {
    bed = new ClusterTestBed(dir).withGolden();
    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "2", "--until", "mesh");
    assertThat(r.exit()).as(r.toString()).isZero();
  }

  private CliHarness.Result run(String... args) {
    return bed.cli().remoteShell(shell::with).exec(args);
  }

  @Test
  @DisplayName(
      "the host's missing peer is added back and a foreign one kept; nodes that do not answer"
          + " are named, the run ends degraded (exit 3) with '1 added, 0 removed'")
  void hostRepairedNodesUnreachable() throws Exception {
    WgPeerState lost = bed.wireGuard.device("wg-mgmt").orElseThrow().peers().get(0);
    bed.wireGuard.updatePeers("wg-mgmt", List.of(), List.of(lost.publicKey()));

    CliHarness.Result r = run("kube-cluster", "mesh-repair", "-o", "json");
    assertThat(r.exit()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("nodes/kldload-w-2/wg-k8s", "connection refused");
    JsonNode result = new ObjectMapper().readTree(r.out());
    assertThat(result.path("added").asInt()).as(r.out()).isEqualTo(1);
    assertThat(result.path("removed").asInt()).isZero();
    assertThat(bed.wireGuard.device("wg-mgmt").orElseThrow().peer(lost.publicKey())).isPresent();
  }

  @Test
  @DisplayName("the alias 'mesh' is the same verb; no such cluster is exit 4")
  void aliasAndMissing() {
    CliHarness.Result missing = run("kube-cluster", "mesh", "--name", "nope");
    assertThat(missing.exit()).as(missing.toString()).isEqualTo(4);
    assertThat(missing.err()).contains("cluster nope does not exist");
  }
}
