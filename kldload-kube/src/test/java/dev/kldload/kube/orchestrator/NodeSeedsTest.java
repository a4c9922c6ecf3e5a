package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.io.YamlInput;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.PeerSpec;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgPrivateKey;
import dev.kldload.net.node.NodeStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSeedsTest {
  @TempDir Path state;
  SeedFixtures fx;

  @BeforeEach
  void cluster() {
    fx = new SeedFixtures(state, SeedFixtures::fakeSshKeys);
  }

  private static JsonNode yaml(String text) throws Exception {
    return YamlInput.mapper().readTree(text);
  }

  @Test
  @DisplayName("each node's planes list every other node at its LAN address and the host at .1")
  void fullMesh() {
    for (NodeSeed seed : fx.seeds.seeds(fx.manifest)) {
      for (PlaneKind kind : PlaneKind.values()) {
        int port = fx.plan.plane(kind).port();
        String subnet = kind == PlaneKind.MGMT ? "10.250.0." : "10.251.0.";
        List<String> expected = new ArrayList<>();
        for (NodeRecord other : fx.manifest.nodes()) {
          if (!other.name().equals(seed.node().name())) {
            expected.add(
                other.id()
                    + " "
                    + other.lanAddress()
                    + ":"
                    + port
                    + " "
                    + subnet
                    + other.id()
                    + "/32 "
                    + (kind == PlaneKind.MGMT ? other.mgmtPublicKey() : other.k8sPublicKey()));
          }
        }
        expected.add(
            "100 192.168.122.1:"
                + port
                + " "
                + subnet
                + "100/32 "
                + fx.hostStore.requireKey(kind).publicKey().base64());
        List<String> actual =
            seed.plane(kind).peers().stream().map(NodeSeedsTest::describe).toList();
        assertThat(actual).as(seed.node().name() + " " + kind).containsExactlyElementsOf(expected);
        assertThat(seed.plane(kind).mtu()).isEqualTo(fx.plan.wireguardMtu());
        assertThat(seed.plane(kind).listenPort()).isEqualTo(port);
        assertThat(seed.plane(kind).address().toString())
            .isEqualTo(subnet + seed.node().id() + "/24");
        assertThat(seed.plane(kind).wgQuick())
            .contains("Endpoint = 192.168.122.1:" + port, "MTU = 1420");
      }
    }
  }

  private static String describe(PeerSpec p) {
    return p.nodeId().value()
        + " "
        + p.endpoint().orElse("-")
        + " "
        + p.allowedIps().get(0)
        + (p.allowedIps().size() == 1 ? "" : "+more")
        + " "
        + p.publicKey().base64();
  }

  @Test
  @DisplayName("no seed carries another node's or the host's private key; each carries its own")
  void privateKeysStayHome() {
    Map<String, List<String>> secrets = new HashMap<>();
    for (NodeRecord node : fx.manifest.nodes()) {
      List<String> own = new ArrayList<>();
      for (PlaneKind kind : PlaneKind.values()) {
        own.add(fx.store.wireGuardKey(SeedFixtures.LAB, node.name(), kind).base64());
      }
      own.add("PRIVATE-SSH-" + node.name() + "\n");
      secrets.put(node.name(), own);
    }
    List<String> hostKeys = new ArrayList<>();
    for (PlaneKind kind : PlaneKind.values()) {
      hostKeys.add(fx.hostStore.requireKey(kind).base64());
    }
    for (NodeSeed seed : fx.seeds.seeds(fx.manifest)) {
      String userData = seed.userData();
      String all = userData + seed.metaData() + seed.networkConfig().orElseThrow();
      assertThat(userData).contains(secrets.get(seed.node().name()));
      for (Map.Entry<String, List<String>> other : secrets.entrySet()) {
        if (!other.getKey().equals(seed.node().name())) {
          for (String secret : other.getValue()) {
            assertThat(all)
                .as("%s carries a key of %s", seed.node().name(), other.getKey())
                .doesNotContain(secret);
          }
        }
      }
      for (String secret : hostKeys) {
        assertThat(all).as("%s carries the host's key", seed.node().name()).doesNotContain(secret);
      }
    }
  }

  @Test
  @DisplayName(
      "identity and access: recorded instance-id and host key, admin key only, no password")
  void identityAndAccess() throws Exception {
    NodeRecord worker = fx.manifest.node("lab-w-1").orElseThrow();
    NodeSeed seed = fx.seeds.seed(fx.manifest, "lab-w-1");
    JsonNode meta = yaml(seed.metaData());
    assertThat(meta.path("instance-id").asText()).isEqualTo(worker.instanceId());
    assertThat(meta.path("local-hostname").asText()).isEqualTo("lab-w-1");
    JsonNode user = yaml(seed.userData());
    assertThat(seed.userData()).startsWith("#cloud-config\n");
    assertThat(user.path("hostname").asText()).isEqualTo("lab-w-1");
    assertThat(user.path("ssh_pwauth").asBoolean(true)).isFalse();
    assertThat(user.path("disable_root").asBoolean(true)).isFalse();
    assertThat(user.path("users").get(0).path("lock_passwd").asBoolean(false)).isTrue();
    assertThat(user.path("users").get(0).path("ssh_authorized_keys").get(0).asText())
        .isEqualTo(SeedFixtures.ADMIN);
    assertThat(user.path("ssh_keys").path("ed25519_public").asText())
        .isEqualTo(worker.sshHostKey());
    assertThat(user.path("ssh_keys").path("ed25519_private").asText())
        .contains("PRIVATE-SSH-lab-w-1");
    List<String> keys = new ArrayList<>();
    collectKeys(user, keys);
    assertThat(keys)
        .noneMatch(k -> k.contains("passw") && !k.equals("lock_passwd"))
        .doesNotContain("chpasswd", "password", "plain_text_passwd", "hashed_passwd");
    assertThat(seed.userData()).doesNotContainIgnoringCase("PasswordAuthentication");
    JsonNode net = yaml(seed.networkConfig().orElseThrow());
    assertThat(net.path("ethernets").path("nic0").path("match").path("macaddress").asText())
        .isEqualTo(worker.mac());
    assertThat(net.path("ethernets").path("nic0").path("set-name").asText())
        .isEqualTo(NodeSeeds.LAN_NIC);
  }

  private static void collectKeys(JsonNode node, List<String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.add(e.getKey());
        collectKeys(e.getValue(), out);
      }
    } else if (node.isArray()) {
      node.forEach(n -> collectKeys(n, out));
    }
  }

  @Test
  @DisplayName("write_files: both wg-quick files and the ruleset 0600, the boot unit 0644; runcmd")
  void filesAndCommands() throws Exception {
    NodeSeed seed = fx.seeds.seed(fx.manifest, "lab-cp");
    JsonNode user = yaml(seed.userData());
    Map<String, String> modes = new HashMap<>();
    Map<String, String> contents = new HashMap<>();
    for (JsonNode f : user.path("write_files")) {
      modes.put(f.path("path").asText(), f.path("permissions").asText());
      contents.put(f.path("path").asText(), f.path("content").asText());
      assertThat(f.path("owner").asText()).isEqualTo("root:root");
    }
    assertThat(modes)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "/etc/wireguard/wg-mgmt.conf", "0600",
                "/etc/wireguard/wg-k8s.conf", "0600",
                "/etc/kldload/nftables.nft", "0600",
                "/etc/systemd/system/kldload-nftables.service", "0644"));
    assertThat(contents.get("/etc/wireguard/wg-mgmt.conf"))
        .isEqualTo(seed.plane(PlaneKind.MGMT).wgQuick());
    assertThat(contents.get("/etc/wireguard/wg-k8s.conf"))
        .isEqualTo(seed.plane(PlaneKind.K8S).wgQuick());
    String ruleset = contents.get("/etc/kldload/nftables.nft");
    assertThat(ruleset).isEqualTo(seed.ruleset()).contains("oifname \"lan0\" masquerade");
    assertThat(ruleset)
        .contains("ip saddr 192.168.122.0/24 accept")
        .doesNotContain("flush ruleset");
    List<String> runcmd = new ArrayList<>();
    user.path("runcmd")
        .forEach(
            c -> runcmd.add(String.join(" ", YamlInput.mapper().convertValue(c, String[].class))));
    assertThat(runcmd)
        .containsExactly(
            "nft -f /etc/kldload/nftables.nft",
            "systemctl enable kldload-nftables.service",
            "systemctl enable --now wg-quick@wg-mgmt",
            "systemctl enable --now wg-quick@wg-k8s");
  }

  @Test
  @DisplayName(
      "the host's keys are made once in its NodeStore and reused; another host id is a conflict")
  void hostKeys() {
    HostPeer again = HostPeer.fromNodeStore(fx.plan, new NodeStore(state));
    assertThat(again).isEqualTo(fx.seeds.host());
    assertThat(again.keys().get(PlaneKind.MGMT)).isNotEqualTo(again.keys().get(PlaneKind.K8S));
    assertThat(again.endpoint().host()).isEqualTo("192.168.122.1");
    fx.hostStore.saveNode(new NodeStore.NodeRecord(NodeId.of(7), false));
    assertThatThrownBy(() -> HostPeer.fromNodeStore(fx.plan, fx.hostStore))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
  }

  @Test
  @DisplayName("a key in keys/ that is not the recorded one is refused, not seeded")
  void mismatchedKey() {
    PrivateFiles.write(
        fx.store.keyDir(SeedFixtures.LAB, "lab-w-2").resolve("wg-k8s.key"),
        WgPrivateKey.generate().base64() + "\n");
    assertThatThrownBy(() -> fx.seeds.seed(fx.manifest, "lab-w-2"))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION));
  }
}
