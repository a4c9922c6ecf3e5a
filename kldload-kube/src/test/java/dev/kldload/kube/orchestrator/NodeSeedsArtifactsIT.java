package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.io.YamlInput;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.NodeId;
import dev.kldload.kvm.seed.HostKeys;
import dev.kldload.net.Plane;
import dev.kldload.net.PlaneKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan directory of a 1 CP + 2 worker cluster, as {@link PlanDirectory} writes it, read by the
 * programs that will consume it on the node: cloud-init's schema check and network renderers for
 * the seed, ssh-keygen for the pinned host key pair, wg-quick (over wireguard-go) for both planes'
 * files, nft for the ruleset, each plane and ruleset loaded in a scratch network namespace. Needs
 * root and cloud-init, wireguard-tools, wireguard-go, nftables, ssh-keygen: skipped on a laptop
 * without them, a failure under {@code CI=true}.
 */
class NodeSeedsArtifactsIT {
  private static final ProcessRunner HOST = new SystemProcessRunner();

  @TempDir Path state;
  @TempDir Path work;
  private final String ns = "seed" + ProcessHandle.current().pid();
  private final List<String> interfaces = new ArrayList<>();
  private boolean nsMade;
  private SeedFixtures fx;
  private Path plan;

  @BeforeEach
  void setUp() {
    Requirements.require(Requirements.isRoot(), "root (network namespaces)");
    for (String program :
        List.of("cloud-init", "wg", "wg-quick", "wireguard-go", "nft", "ip", "ssh-keygen")) {
      Requirements.require(Requirements.onPath(program), program + " on PATH");
    }
    fx = new SeedFixtures(state, node -> HostKeys.generate(HOST, "root@" + node));
    plan = work.resolve("plan");
    new PlanDirectory(fx.plan, fx.seeds).write(plan, fx.manifest);
    HOST.check("ip", "netns", "add", ns);
    nsMade = true;
  }

  @AfterEach
  void tearDown() {
    if (!nsMade) {
      return;
    }
    for (String ifname : interfaces) {
      HOST.run(ProcessSpec.of("ip", "netns", "exec", ns, "ip", "link", "del", ifname).build());
    }
    HOST.run(ProcessSpec.of("ip", "netns", "del", ns).build());
  }

  private ProcessResult inNs(String... argv) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(argv));
    return HOST.run(ProcessSpec.of(full).build());
  }

  private static void ok(ProcessResult r, String what) {
    assertThat(r.exitCode())
        .as("%s: %s%nstdout: %s%nstderr: %s", what, r.spec().argv(), r.stdout(), r.stderr())
        .isZero();
  }

  @Test
  @DisplayName("cloud-init schema accepts every user-data; its renderers name the NIC by MAC")
  void cloudInit() throws IOException {
    for (NodeRecord node : fx.manifest.nodes()) {
      Path dir = plan.resolve(node.name());
      ok(
          HOST.run(
              ProcessSpec.of(
                      "cloud-init", "schema", "--config-file", dir.resolve("user-data").toString())
                  .build()),
          node.name() + " user-data");
      for (String renderer : List.of("networkd", "eni")) {
        Path out = work.resolve(node.name() + "-" + renderer);
        ok(
            HOST.run(
                ProcessSpec.of(
                        "cloud-init",
                        "devel",
                        "net-convert",
                        "-p",
                        dir.resolve("network-config").toString(),
                        "-k",
                        "yaml",
                        "-d",
                        out.toString(),
                        "-D",
                        "debian",
                        "-O",
                        renderer)
                    .build()),
            node.name() + " network-config via " + renderer);
        assertThat(readAll(out))
            .as(node.name() + " " + renderer)
            .contains(node.mac(), NodeSeeds.LAN_NIC)
            .containsIgnoringCase("dhcp");
      }
    }
  }

  @Test
  @DisplayName("cloud-init's YAML reader finds in write_files exactly the plan's wg and nft files")
  void writeFilesAsCloudInitReadsThem() throws IOException {
    Requirements.require(Requirements.onPath("python3"), "python3 with PyYAML (cloud-init's)");
    String script =
        "import sys, yaml, json\n"
            + "d = yaml.safe_load(open(sys.argv[1]))\n"
            + "json.dump({f['path']: f['content'] for f in d['write_files']}, sys.stdout)\n";
    for (NodeRecord node : fx.manifest.nodes()) {
      Path dir = plan.resolve(node.name());
      ProcessResult r =
          HOST.run(
              ProcessSpec.of("python3", "-c", script, dir.resolve("user-data").toString()).build());
      ok(r, node.name() + " PyYAML");
      JsonNode files = YamlInput.mapper().readTree(r.stdout());
      for (Plane plane : fx.plan.planes()) {
        assertThat(files.path("/etc/wireguard/" + plane.interfaceName() + ".conf").asText())
            .isEqualTo(Files.readString(dir.resolve(plane.interfaceName() + ".conf")));
      }
      assertThat(files.path("/etc/kldload/nftables.nft").asText())
          .isEqualTo(Files.readString(dir.resolve(PlanDirectory.NFT_FILE)));
    }
  }

  @Test
  @DisplayName("the SSH host key in each seed is the pair whose public half the host pinned")
  void sshHostKeys() throws IOException {
    for (NodeRecord node : fx.manifest.nodes()) {
      JsonNode user =
          YamlInput.mapper()
              .readTree(Files.readString(plan.resolve(node.name()).resolve("user-data")));
      Path key = work.resolve(node.name() + ".key");
      PrivateFiles.write(key, user.path("ssh_keys").path("ed25519_private").asText());
      ProcessResult r = HOST.run(ProcessSpec.of("ssh-keygen", "-y", "-f", key.toString()).build());
      ok(r, node.name() + " ssh-keygen -y");
      String[] derived = r.stdout().strip().split(" ");
      String[] pinned = node.sshHostKey().split(" ");
      assertThat(derived[0] + " " + derived[1]).isEqualTo(pinned[0] + " " + pinned[1]);
    }
  }

  @Test
  @DisplayName("wg-quick brings up every plane file: address, MTU, port and the full mesh of peers")
  void wireGuard() throws IOException {
    int n = 0;
    for (NodeRecord node : fx.manifest.nodes()) {
      for (Plane plane : fx.plan.planes()) {
        // wg-quick names the interface after the file; control sockets are shared by all
        // namespaces, so each gets a name no other test uses
        String ifname = "s" + ProcessHandle.current().pid() + "x" + n++;
        Path conf = work.resolve(ifname + ".conf");
        PrivateFiles.copy(plan.resolve(node.name()).resolve(plane.interfaceName() + ".conf"), conf);
        interfaces.add(ifname);
        ok(inNs("wg-quick", "up", conf.toString()), node.name() + " " + plane.interfaceName());

        ProcessResult dump = inNs("wg", "show", ifname, "dump");
        ok(dump, "wg show dump");
        List<String> lines = dump.stdout().strip().lines().toList();
        String[] self = lines.get(0).split("\t");
        assertThat(self[1])
            .isEqualTo(plane.kind() == PlaneKind.MGMT ? node.mgmtPublicKey() : node.k8sPublicKey());
        assertThat(self[2]).isEqualTo(String.valueOf(plane.port()));
        Map<String, String> peers = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
          String[] f = line.split("\t");
          peers.put(f[0], f[2] + " " + f[3]);
        }
        assertThat(peers).isEqualTo(expectedPeers(node, plane));

        ProcessResult addr = inNs("ip", "-o", "addr", "show", "dev", ifname);
        ok(addr, "ip addr");
        assertThat(addr.stdout())
            .contains(fx.plan.plane(plane.kind()).address(NodeId.of(node.id())).toString());
        ProcessResult link = inNs("ip", "-o", "link", "show", "dev", ifname);
        assertThat(link.stdout()).contains("mtu " + fx.plan.wireguardMtu());
        ok(inNs("wg-quick", "down", conf.toString()), "wg-quick down");
        interfaces.remove(ifname);
      }
    }
  }

  private Map<String, String> expectedPeers(NodeRecord self, Plane plane) {
    Map<String, String> out = new HashMap<>();
    for (NodeRecord other : fx.manifest.nodes()) {
      if (other.id() != self.id()) {
        out.put(
            plane.kind() == PlaneKind.MGMT ? other.mgmtPublicKey() : other.k8sPublicKey(),
            other.lanAddress()
                + ":"
                + plane.port()
                + " "
                + plane.subnet().host(other.id()).getHostAddress()
                + "/32");
      }
    }
    out.put(
        fx.hostStore.requireKey(plane.kind()).publicKey().base64(),
        "192.168.122.1:" + plane.port() + " " + plane.subnet().host(100).getHostAddress() + "/32");
    return out;
  }

  @Test
  @DisplayName(
      "nft accepts every ruleset (check, load, reload) and it creates table inet kldload only")
  void nftables() {
    for (NodeRecord node : fx.manifest.nodes()) {
      String file = plan.resolve(node.name()).resolve(PlanDirectory.NFT_FILE).toString();
      ok(inNs("nft", "-c", "-f", file), node.name() + " nft -c");
      ok(inNs("nft", "-f", file), node.name() + " nft -f");
      ok(inNs("nft", "-f", file), node.name() + " nft -f again (replaces the table)");
      ProcessResult tables = inNs("nft", "list", "tables");
      ok(tables, "nft list tables");
      assertThat(tables.stdout().strip()).isEqualTo("table inet kldload");
      ProcessResult table = inNs("nft", "list", "table", "inet", "kldload");
      assertThat(table.stdout()).contains("oifname \"lan0\" masquerade", "policy drop");
      ok(inNs("nft", "delete", "table", "inet", "kldload"), "nft delete table");
    }
  }

  private static String readAll(Path dir) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        sb.append(Files.readString(p));
      }
    }
    return sb.toString();
  }
}
