package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kldload.core.io.YamlInput;
import dev.kldload.net.PlaneKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanDirectoryTest {
  @TempDir Path state;
  @TempDir Path out;
  SeedFixtures fx;
  PlanDirectory planDir;

  @BeforeEach
  void cluster() {
    fx = new SeedFixtures(state, SeedFixtures::fakeSshKeys);
    planDir = new PlanDirectory(fx.plan, fx.seeds);
  }

  private static Map<Path, String> snapshot(Path root) throws IOException {
    Map<Path, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        files.put(
            root.relativize(p),
            Files.isRegularFile(p)
                ? Files.readString(p)
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                : "dir");
      }
    }
    return files;
  }

  private List<String> privateKeys() {
    List<String> out = new ArrayList<>();
    for (NodeRecord node : fx.manifest.nodes()) {
      for (PlaneKind kind : PlaneKind.values()) {
        out.add(fx.store.wireGuardKey(SeedFixtures.LAB, node.name(), kind).base64());
      }
      out.add("PRIVATE-SSH-" + node.name());
    }
    for (PlaneKind kind : PlaneKind.values()) {
      out.add(fx.hostStore.requireKey(kind).base64());
    }
    return out;
  }

  @Test
  @DisplayName("every node's six files, the same text its seed carries, 0600 in 0700 directories")
  void writesEveryArtifact() throws Exception {
    Path dir = out.resolve("plan");
    Map<Path, String> before = snapshot(state);
    List<Path> written = planDir.write(dir, fx.manifest);

    assertThat(written).hasSize(3 * 6 + 1);
    assertThat(snapshot(state)).as("the state directory is untouched").isEqualTo(before);
    for (NodeSeed seed : fx.seeds.seeds(fx.manifest)) {
      Path node = dir.resolve(seed.node().name());
      assertThat(Files.readString(node.resolve("user-data"))).isEqualTo(seed.userData());
      assertThat(Files.readString(node.resolve("meta-data"))).isEqualTo(seed.metaData());
      assertThat(Files.readString(node.resolve("network-config")))
          .isEqualTo(seed.networkConfig().orElseThrow());
      assertThat(Files.readString(node.resolve("wg-mgmt.conf")))
          .isEqualTo(seed.plane(PlaneKind.MGMT).wgQuick());
      assertThat(Files.readString(node.resolve("wg-k8s.conf")))
          .isEqualTo(seed.plane(PlaneKind.K8S).wgQuick());
      assertThat(Files.readString(node.resolve("nftables.nft"))).isEqualTo(seed.ruleset());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(node)))
          .isEqualTo("rwx------");
    }
    for (Path file : written) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .as(file.toString())
          .isEqualTo("rw-------");
    }
  }

  @Test
  @DisplayName("cluster.yaml resolves sizes, plan, host and nodes, and holds no private key")
  void clusterYaml() throws Exception {
    planDir.write(out, fx.manifest);
    String text = Files.readString(out.resolve("cluster.yaml"));
    for (String secret : privateKeys()) {
      assertThat(text).doesNotContain(secret);
    }
    JsonNode root = YamlInput.mapper().readTree(text);
    assertThat(root.path("name").asText()).isEqualTo("lab");
    assertThat(root.path("sizes").path("worker").path("memory-bytes").asLong())
        .isEqualTo(2048L << 20);
    assertThat(root.path("network").path("mgmt").path("port").asInt()).isEqualTo(51820);
    assertThat(root.path("host").path("endpoint").asText()).isEqualTo("192.168.122.1");
    assertThat(root.path("host").path("k8s-public-key").asText())
        .isEqualTo(fx.hostStore.requireKey(PlaneKind.K8S).publicKey().base64());
    JsonNode worker = root.path("nodes").get(2);
    NodeRecord w2 = fx.manifest.node("lab-w-2").orElseThrow();
    assertThat(worker.path("name").asText()).isEqualTo("lab-w-2");
    assertThat(worker.path("id").asInt()).isEqualTo(3);
    assertThat(worker.path("mac").asText()).isEqualTo(w2.mac());
    assertThat(worker.path("lan-address").asText()).isEqualTo("192.168.122.12");
    assertThat(worker.path("k8s-address").asText()).isEqualTo("10.251.0.3/24");
    assertThat(worker.path("mgmt-public-key").asText()).isEqualTo(w2.mgmtPublicKey());
    assertThat(worker.path("ssh-host-key").asText()).isEqualTo(w2.sshHostKey());
  }

  @Test
  @DisplayName("a node the cluster no longer has loses its old plan files; foreign files stay")
  void staleNodes() throws Exception {
    Path gone = out.resolve("lab-w-9");
    Files.createDirectories(gone);
    Files.writeString(gone.resolve("user-data"), "old");
    Path foreign = out.resolve("notes");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("user-data"), "mine");
    Files.writeString(foreign.resolve("README"), "mine");

    planDir.write(out, fx.manifest);

    assertThat(gone).doesNotExist();
    assertThat(foreign.resolve("README")).hasContent("mine");
    assertThat(foreign.resolve("user-data")).hasContent("mine");
  }
}
