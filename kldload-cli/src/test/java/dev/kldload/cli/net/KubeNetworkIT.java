package dev.kldload.cli.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * kube-network end to end, as root, with wireguard-go: three "nodes" in three network namespaces
 * joined by a bridge, each with its own state directory and interface names. The commands run
 * in-process; every program they start runs in the node's namespace.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubeNetworkIT {
  private static final ProcessRunner HOST = new SystemProcessRunner();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int NODES = 3;
  private static final String TAG = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
  private static final List<String> namespaces = new ArrayList<>();
  private static final List<NetCli> clis = new ArrayList<>();
  private static Path dir;
  private static Path meshFile;

  private static String ns(int id) {
    return "kc" + TAG + "-n" + id;
  }

  private static String mgmt(int id) {
    return "wc" + TAG + "m" + id;
  }

  private static String k8s(int id) {
    return "wc" + TAG + "k" + id;
  }

  private static void sh(String... argv) {
    HOST.check(ProcessSpec.of(argv).timeout(Duration.ofSeconds(20)).build());
  }

  private static boolean ping(int from, String address) {
    return HOST.run(
            ProcessSpec.of(
                    "ip", "netns", "exec", ns(from), "ping", "-c", "3", "-i", "0.2", "-W", "1",
                    "-w", "4", address)
                .timeout(Duration.ofSeconds(10))
                .build())
        .ok();
  }

  private static NetCli.Result ok(int node, String... args) {
    NetCli.Result result = clis.get(node - 1).run(args);
    assertThat(result.exit()).as(result.toString()).isZero();
    return result;
  }

  @BeforeAll
  static void setUp() throws Exception {
    Requirements.require(Requirements.isRoot(), "network namespaces need root");
    for (String program : List.of("ip", "wg", "wireguard-go", "ping")) {
      Requirements.require(Requirements.onPath(program), program + " is not installed");
    }
    dir = Files.createTempDirectory("kube-network-it");
    String hub = "kc" + TAG + "-hub";
    sh("ip", "netns", "add", hub);
    namespaces.add(hub);
    sh("ip", "netns", "exec", hub, "ip", "link", "add", "br0", "type", "bridge");
    sh("ip", "netns", "exec", hub, "ip", "link", "set", "br0", "up");
    for (int i = 1; i <= NODES; i++) {
      sh("ip", "netns", "add", ns(i));
      namespaces.add(ns(i));
      sh("ip", "netns", "exec", ns(i), "ip", "link", "set", "lo", "up");
      sh(
          "ip", "netns", "exec", ns(i), "ip", "link", "add", "lan0", "type", "veth", "peer", "name",
          "h" + i, "netns", hub);
      sh("ip", "netns", "exec", hub, "ip", "link", "set", "h" + i, "master", "br0", "up");
      sh(
          "ip",
          "netns",
          "exec",
          ns(i),
          "ip",
          "addr",
          "add",
          "192.168.78." + (10 + i) + "/24",
          "dev",
          "lan0");
      sh("ip", "netns", "exec", ns(i), "ip", "link", "set", "lan0", "up");
      clis.add(new NetCli(dir.resolve("node" + i), Optional.of(ns(i)), mgmt(i), k8s(i)));
    }
  }

  @AfterAll
  static void tearDown() {
    for (int i = 1; i <= NODES && i <= namespaces.size() - 1; i++) {
      for (String link : List.of(mgmt(i), k8s(i))) {
        HOST.run(ProcessSpec.of("ip", "netns", "exec", ns(i), "ip", "link", "del", link).build());
      }
    }
    namespaces.forEach(ns -> HOST.run(ProcessSpec.of("ip", "netns", "del", ns).build()));
  }

  @Test
  @Order(1)
  @DisplayName("init on every node, twice: the second run changes nothing and exits 0")
  void init() throws Exception {
    StringBuilder mesh = new StringBuilder("nodes:\n");
    for (int i = 1; i <= NODES; i++) {
      ok(i, "init", Integer.toString(i));
      NetCli.Result again = ok(i, "init", Integer.toString(i));
      assertThat(again.err()).contains("0 applied");
      JsonNode keys = JSON.readTree(ok(i, "show-keys", "-o", "json").out());
      assertThat(keys.get("mgmtPublicKey").asText())
          .isNotEqualTo(keys.get("k8sPublicKey").asText());
      mesh.append("  - id: ").append(i).append('\n');
      mesh.append("    endpoint: 192.168.78.").append(10 + i).append('\n');
      mesh.append("    mgmtKey: ").append(keys.get("mgmtPublicKey").asText()).append('\n');
      mesh.append("    k8sKey: ").append(keys.get("k8sPublicKey").asText()).append('\n');
    }
    meshFile = dir.resolve("mesh.yaml");
    Files.writeString(meshFile, mesh.toString());
  }

  @Test
  @Order(2)
  @DisplayName("apply --mesh on every node gives a full mesh on both planes")
  void apply() {
    for (int i = 1; i <= NODES; i++) {
      ok(i, "apply", "--mesh", meshFile.toString());
    }
    for (int from = 1; from <= NODES; from++) {
      for (int to = 1; to <= NODES; to++) {
        if (from != to) {
          assertThat(ping(from, "10.250.0." + to)).as("mgmt %d -> %d", from, to).isTrue();
          assertThat(ping(from, "10.251.0." + to)).as("k8s %d -> %d", from, to).isTrue();
        }
      }
    }
  }

  @Test
  @Order(3)
  @DisplayName("status -o json shows fresh handshakes with both peers on both planes")
  void status() throws Exception {
    JsonNode status = JSON.readTree(ok(1, "status", "-o", "json").out());
    assertThat(status.get("nodeId").asInt()).isEqualTo(1);
    for (JsonNode plane : status.get("planes")) {
      assertThat(plane.get("up").asBoolean()).isTrue();
      assertThat(plane.get("peers")).hasSize(NODES - 1);
      for (JsonNode peer : plane.get("peers")) {
        assertThat(peer.get("stale").asBoolean()).as(peer.toString()).isFalse();
        assertThat(peer.get("handshakeAgeSeconds").asLong()).isLessThan(180);
        assertThat(peer.get("rxBytes").asLong()).isPositive();
      }
    }
  }

  @Test
  @Order(4)
  @DisplayName("a foreign peer survives re-apply; remove-peer cuts exactly that peer")
  void foreignPeerAndRemove() throws Exception {
    String foreign = "SJ+TAmOfoZ7qhLRag3N1oaGeXc4TYAZgV2dwRz8jXDw=";
    sh(
        "ip",
        "netns",
        "exec",
        ns(1),
        "wg",
        "set",
        mgmt(1),
        "peer",
        foreign,
        "allowed-ips",
        "10.250.0.77/32");
    NetCli.Result again = ok(1, "apply", "--mesh", meshFile.toString());
    assertThat(again.err()).contains("0 applied");
    JsonNode planned = JSON.readTree(ok(1, "remove-peer", "2", "--dry-run", "-o", "json").out());
    List<String> wouldApply = new ArrayList<>();
    planned
        .get("items")
        .forEach(
            step -> {
              if (step.get("action").asText().equals("would apply")) {
                wouldApply.add(step.get("step").asText());
              }
            });
    assertThat(wouldApply)
        .as(planned.toString())
        .containsExactlyInAnyOrder(
            "record-peers", "peers-mgmt", "peers-k8s", "persist-mgmt", "persist-k8s");
    ok(1, "remove-peer", "2");
    ok(1, "remove-peer", "2");
    String peers =
        HOST.check(
                ProcessSpec.of("ip", "netns", "exec", ns(1), "wg", "show", mgmt(1), "peers")
                    .build())
            .stdout();
    assertThat(peers.strip().split("\n")).hasSize(2);
    assertThat(peers).contains(foreign);
    assertThat(ping(1, "10.250.0.3")).isTrue();
    assertThat(ping(1, "10.251.0.3")).isTrue();
  }
}
