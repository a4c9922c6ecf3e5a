package dev.kldload.kube.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.kube.smoke.host.HostSmokeNode;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.PlaneKind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The WireGuard and firewall checks through the real reader against real engines: wireguard-go
 * interfaces and an nftables table in a scratch network namespace (needs root, wireguard-go, wg,
 * nft). What {@code ip -j}, {@code wg show dump} and {@code nft -j} really print is parsed here,
 * not a fixture.
 */
class SmokeWireGuardIT {
  static final ProcessRunner HOST = new SystemProcessRunner();
  final String ns = "smk" + ProcessHandle.current().pid();
  final List<String> notes = new ArrayList<>();

  /** Runs every command inside the namespace. */
  final ProcessRunner inNs =
      spec -> {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(spec.argv());
        return HOST.run(ProcessSpec.of(argv).timeout(spec.timeout()).readOnly().build());
      };

  @BeforeEach
  void namespace() {
    Requirements.require(Requirements.isRoot(), "root (network namespaces)");
    for (String p : List.of("wireguard-go", "wg", "nft", "ip")) {
      Requirements.require(Requirements.onPath(p), p + " on PATH");
    }
    HOST.check("ip", "netns", "add", ns);
  }

  @AfterEach
  void cleanUp() {
    for (String ifname : List.of("wg-k8s", "wg-mgmt")) {
      HOST.run(ProcessSpec.of("ip", "netns", "exec", ns, "ip", "link", "del", ifname).build());
    }
    HOST.run(ProcessSpec.of("ip", "netns", "del", ns).build());
  }

  private void sh(String script) {
    ProcessResult r =
        HOST.run(ProcessSpec.of("ip", "netns", "exec", ns, "sh", "-ec", script).build());
    assertThat(r.ok()).as(r.stderr()).isTrue();
  }

  @Test
  @DisplayName("real wireguard-go planes that shook hands pass; the nft table's ports are read")
  void realPlanes() throws Exception {
    // two planes in one namespace, each the other's peer over loopback; keepalive starts the
    // handshake without traffic
    sh(
        String.join(
            "\n",
            "umask 077",
            "d=$(mktemp -d)",
            "wg genkey > $d/a; wg genkey > $d/b",
            "wireguard-go wg-k8s; wireguard-go wg-mgmt",
            "wg set wg-k8s private-key $d/a listen-port 51821 peer $(wg pubkey < $d/b)"
                + " allowed-ips 10.250.0.9/32 endpoint 127.0.0.1:51820 persistent-keepalive 1",
            "wg set wg-mgmt private-key $d/b listen-port 51820 peer $(wg pubkey < $d/a)"
                + " allowed-ips 10.251.0.9/32 endpoint 127.0.0.1:51821 persistent-keepalive 1",
            "ip link set lo up",
            "ip addr add 10.251.0.1/24 dev wg-k8s; ip link set wg-k8s up",
            "ip addr add 10.250.0.1/24 dev wg-mgmt; ip link set wg-mgmt up",
            "rm -r $d",
            SmokeFixtures.NFT_LOAD));
    HostSmokeNode node = new HostSmokeNode(Path.of("/"), inNs);
    List<Check> checks =
        SmokeCatalogue.select(
            SmokeCatalogue.all(NetworkPlan.defaults()),
            List.of("wireguard", "firewall.table", "firewall.wireguard"),
            List.of());
    Map<String, CheckResult> r = Map.of();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (SmokeContext context =
          new SmokeContext(
              node,
              NetworkPlan.defaults(),
              SmokeFixtures.PATHS,
              Duration.ofSeconds(10),
              false,
              notes::add,
              Clock.systemUTC(),
              Optional.empty(),
              p -> null)) {
        r =
            new SmokeRunner(new CancellationToken(), Clock.systemUTC())
                .run(checks, context, x -> {}).results().stream()
                    .collect(Collectors.toMap(CheckResult::id, x -> x));
      }
      if (r.get("wireguard.wg-k8s.up").outcome() == Outcome.PASS
          && r.get("wireguard.wg-mgmt.up").outcome() == Outcome.PASS) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(r.get("wireguard.wg-k8s.up").outcome()).as(r.toString()).isEqualTo(Outcome.PASS);
    assertThat(r.get("wireguard.wg-k8s.up").evidence())
        .matches("10\\.251\\.0\\.1/24, 1 peer\\(s\\), newest handshake \\d+s ago");
    assertThat(r.get("wireguard.wg-mgmt.up").outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.get("firewall.table").evidence()).isEqualTo("1 chains, 2 rules");
    assertThat(r.get("firewall.wireguard").outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  @DisplayName("a real plane whose peer never answers warns: never shook hands")
  void silentPeer() throws Exception {
    sh(
        String.join(
            "\n",
            "umask 077",
            "d=$(mktemp -d)",
            "wg genkey > $d/a; wg genkey > $d/b",
            "wireguard-go wg-k8s",
            "wg set wg-k8s private-key $d/a listen-port 51821 peer $(wg pubkey < $d/b)"
                + " allowed-ips 10.251.0.2/32 endpoint 127.0.0.1:51999",
            "ip addr add 10.251.0.1/24 dev wg-k8s; ip link set wg-k8s up",
            "rm -r $d"));
    HostSmokeNode node = new HostSmokeNode(Path.of("/"), inNs);
    try (SmokeContext context =
        new SmokeContext(
            node,
            NetworkPlan.defaults(),
            SmokeFixtures.PATHS,
            Duration.ofSeconds(10),
            false,
            notes::add,
            Clock.systemUTC(),
            Optional.empty(),
            p -> null)) {
      Verdict v = NodeChecks.plane(context, PlaneKind.K8S);
      assertThat(v.kind()).isEqualTo(Verdict.Kind.WARN);
      assertThat(v.evidence())
          .isEqualTo("10.251.0.1/24, 1 peer(s); 1 never shook hands, 0 older than 3 min");
      Verdict mgmt = NodeChecks.plane(context, PlaneKind.MGMT);
      assertThat(mgmt.kind()).isEqualTo(Verdict.Kind.SKIP);
      assertThat(mgmt.evidence())
          .isEqualTo("wg-mgmt does not exist (management plane not configured)");
    }
  }
}
