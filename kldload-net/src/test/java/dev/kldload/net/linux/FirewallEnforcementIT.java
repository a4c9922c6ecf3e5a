package dev.kldload.net.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.net.NftRuleset;
import dev.kldload.net.node.FirewallService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Node mode enforced by the kernel: a client outside the node network reaches SSH and the API port
 * but not an unlisted port; a foreign table is left exactly as it was.
 */
class FirewallEnforcementIT {
  private static final String FOREIGN =
      "table inet other {\n\tchain c {\n\t\ttype filter hook input priority 10; policy accept;\n"
          + "\t\ttcp dport 9 counter accept\n\t}\n}\n";
  private static MeshNodes nodes;
  private static final List<Process> listeners = new ArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    Netns.requireEngines();
    nodes = new MeshNodes(2, Files.createTempDirectory("kldload-nft-it"));
    // node 1 is the client, outside node 2's LAN network: only on-link /32 routes join them
    nodes.netns.in(nodes.ns(1), "ip", "addr", "add", "172.31.0.1/32", "dev", "lan0");
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
    nodes.netns.in(nodes.ns(2), "ip", "route", "add", "172.31.0.1/32", "dev", "lan0");
    Path foreign = Files.createTempFile("other", ".nft");
    Files.writeString(foreign, FOREIGN);
    nodes.netns.in(nodes.ns(2), "nft", "-f", foreign.toString());
    for (String port : List.of("22", "6443", "8080")) {
      listeners.add(
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  nodes.ns(2),
                  "socat",
                  "TCP-LISTEN:" + port + ",fork,reuseaddr",
                  "SYSTEM:true")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start());
    }
  }

  @AfterAll
  static void tearDown() {
    listeners.forEach(
        p -> {
          p.descendants().forEach(ProcessHandle::destroy);
          p.destroy();
        });
    if (nodes != null) {
      nodes.close();
    }
  }

  private static boolean connects(String port) {
    // a listener may still be binding: a refused connection (-v prints why) is retried, a drop
    // (timeout) is not
    for (int attempt = 0; attempt < 20; attempt++) {
      var result =
          nodes.netns.tryIn(
              nodes.ns(1),
              "nc",
              "-z",
              "-v",
              "-w",
              "2",
              "-s",
              "172.31.0.1",
              MeshNodes.lanAddress(2),
              port);
      if (result.ok()) {
        return true;
      }
      if (!result.stderr().contains("refused")) {
        return false;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  @Test
  @DisplayName("after nft: 22 and 6443 connect, 8080 is dropped, table inet other is untouched")
  void enforced() {
    assertThat(connects("8080")).as("8080 before our table").isTrue();
    String before = nodes.netns.in(nodes.ns(2), "nft", "list", "table", "inet", "other").stdout();
    FirewallService node = nodes.node(2).firewall();
    FirewallService.FirewallPlan plan = node.firewall(NftRuleset.Mode.NODE, Optional.empty());
    assertThat(plan.ruleset()).contains("oifname \"lan0\" masquerade", "192.168.77.0/24");
    MeshNodes.run(plan.plan());
    assertThat(connects("22")).as("ssh").isTrue();
    assertThat(connects("6443")).as("api server").isTrue();
    assertThat(connects("8080")).as("unlisted port").isFalse();
    assertThat(nodes.netns.in(nodes.ns(2), "nft", "list", "table", "inet", "other").stdout())
        .isEqualTo(before);
    PlanResult again = MeshNodes.run(node.firewall(NftRuleset.Mode.NODE, Optional.empty()).plan());
    assertThat(again.outcomes())
        .allSatisfy(o -> assertThat(o.status()).isEqualTo(StepStatus.ALREADY_DONE));
    MeshNodes.run(node.firewall(NftRuleset.Mode.HOST, Optional.empty()).plan());
    assertThat(connects("8080")).as("host mode drops nothing").isTrue();
    assertThat(nodes.netns.in(nodes.ns(2), "nft", "list", "table", "inet", "other").stdout())
        .isEqualTo(before);
  }
}
