package dev.kldload.net.linux;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.NftRuleset;
import dev.kldload.net.node.FirewallService;
import dev.kldload.net.node.KeysView;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * In the lab VM (kernel WireGuard, real nftables): init and nft on two nodes in namespaces of the
 * guest, so the guest's own network and firewall stay as they are. Checked with the tools an
 * operator would use: {@code ip -d link} (kernel interface, not tun), {@code wg show}, {@code nft
 * list table inet kldload}, and a completed handshake across the kernel tunnels.
 */
@Tag("lab")
class KernelWireGuardLabIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static MeshNodes nodes;

  @BeforeAll
  static void setUp() throws Exception {
    Requirements.require(Requirements.isRoot(), "the lab VM runs tests as root");
    for (String program : List.of("ip", "wg", "nft", "bash")) {
      Requirements.require(Requirements.onPath(program), program + " is not installed");
    }
    nodes = new MeshNodes(2, Files.createTempDirectory("kldload-lab-net"));
    String probe = nodes.netns.wgName(nodes.ns(1), "probe");
    boolean kernel =
        nodes.netns.tryIn(nodes.ns(1), "ip", "link", "add", "dev", probe, "type", "wireguard").ok();
    nodes.netns.tryIn(nodes.ns(1), "ip", "link", "del", "dev", probe);
    Requirements.require(kernel, "the kernel has no WireGuard module");
  }

  @AfterAll
  static void tearDown() {
    if (nodes != null) {
      nodes.close();
    }
  }

  private String kind(int node, String device) throws Exception {
    String json =
        nodes.netns.in(nodes.ns(node), "ip", "-d", "-j", "link", "show", "dev", device).stdout();
    return JSON.readTree(json).path(0).path("linkinfo").path("info_kind").asText();
  }

  /**
   * Sends UDP into the tunnel (the guest image has no ping) until the kernel reports a completed
   * handshake with the peer: proof that keys, endpoints and the underlay all agree.
   */
  private static boolean handshake(int from, String device, String peerAddress) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      nodes.netns.tryIn(
          nodes.ns(from), "bash", "-c", "echo probe > /dev/udp/" + peerAddress + "/9");
      String out =
          nodes.netns.in(nodes.ns(from), "wg", "show", device, "latest-handshakes").stdout();
      if (out.lines().anyMatch(line -> !line.strip().endsWith("\t0") && line.contains("\t"))) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  @Test
  @DisplayName("init creates kernel WireGuard interfaces that wg show reports with our keys")
  void initKernelWireGuard() throws Exception {
    for (int i = 1; i <= 2; i++) {
      MeshNodes.run(nodes.node(i).mesh().init(NodeId.of(i), false));
    }
    for (int i = 1; i <= 2; i++) {
      MeshNodes.run(nodes.node(i).mesh().applyMesh(nodes.mesh()));
    }
    KeysView keys = nodes.node(1).mesh().keys();
    String mgmt = nodes.plans.get(0).mgmt().interfaceName();
    String k8s = nodes.plans.get(0).k8s().interfaceName();
    assertThat(kind(1, mgmt)).isEqualTo("wireguard");
    assertThat(kind(1, k8s)).isEqualTo("wireguard");
    assertThat(nodes.netns.in(nodes.ns(1), "wg", "show", mgmt, "public-key").stdout().strip())
        .isEqualTo(keys.mgmtPublicKey());
    assertThat(nodes.netns.in(nodes.ns(1), "wg", "show", k8s, "listen-port").stdout().strip())
        .isEqualTo("51821");
    assertThat(nodes.netns.in(nodes.ns(1), "wg", "show", k8s, "peers").stdout().strip())
        .isEqualTo(nodes.node(2).mesh().keys().k8sPublicKey());
    assertThat(handshake(1, k8s, "10.251.0.2")).as("k8s plane handshake 1→2").isTrue();
    // interface names differ per node (wireguard-go needs unique ones on one machine)
    String mgmtOfNode2 = nodes.plans.get(1).mgmt().interfaceName();
    assertThat(handshake(2, mgmtOfNode2, "10.250.0.1")).as("mgmt plane handshake 2→1").isTrue();
  }

  @Test
  @DisplayName("nft installs table inet kldload with a default-drop input chain, once")
  void nftOnTheGuest() {
    FirewallService node = nodes.node(2).firewall();
    nodes.netns.in(
        nodes.ns(2),
        "ip",
        "route",
        "add",
        "default",
        "via",
        MeshNodes.lanAddress(1),
        "dev",
        "lan0");
    MeshNodes.run(node.firewall(NftRuleset.Mode.NODE, Optional.empty()).plan());
    String table = nodes.netns.in(nodes.ns(2), "nft", "list", "table", "inet", "kldload").stdout();
    assertThat(table)
        .contains("comment \"kldload node sha256:", "policy drop;", "tcp dport 6443 accept")
        .contains("oifname \"lan0\" masquerade");
    PlanResult again = MeshNodes.run(node.firewall(NftRuleset.Mode.NODE, Optional.empty()).plan());
    assertThat(again.outcomes())
        .allSatisfy(o -> assertThat(o.status()).isEqualTo(StepStatus.ALREADY_DONE));
    assertThat(
            nodes
                .netns
                .runner(nodes.ns(2))
                .run(ProcessSpec.of("nft", "list", "tables").readOnly().build())
                .stdout())
        .contains("table inet kldload");
  }
}
