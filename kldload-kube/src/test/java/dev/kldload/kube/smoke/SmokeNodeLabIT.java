package dev.kldload.kube.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.kube.smoke.host.HostSmokeNode;
import dev.kldload.net.NetworkPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The node checks on a real kernel (the lab VM): a node prepared as kube-setup and kube-network
 * leave it (modules, sysctls, a pool on the lab's scratch disk with the etcd, containerd and
 * kubelet datasets, both planes up on kernel WireGuard, our nft table) passes; each prepared fault
 * turns exactly its checks to FAIL or WARN; a default run on a faulty node loads no module and
 * changes no sysctl and no ruleset. Planes and table live in a network namespace of their own;
 * modules, sysctls and the pool are the VM's (it is thrown away after the run).
 */
@Tag("lab")
class SmokeNodeLabIT {
  static final ProcessRunner HOST = new SystemProcessRunner();
  static final String POOL = "kldsmokelab";
  static final String NS = "smokelab";
  static final Path POOL_DEVICE =
      Path.of(System.getenv().getOrDefault("LABVM_POOL_DEVICE", "/dev/disk/by-id/virtio-labpool"));
  static final List<String> SYSCTLS =
      List.of("net/ipv4/ip_forward", "net/bridge/bridge-nf-call-iptables");

  /** Commands inside the namespace (ip, wg, nft see its planes and table; zfs is global). */
  static final ProcessRunner IN_NS =
      spec -> {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", NS));
        argv.addAll(spec.argv());
        return HOST.run(ProcessSpec.of(argv).timeout(spec.timeout()).readOnly().build());
      };

  static final HostSmokeNode NODE = new HostSmokeNode(Path.of("/"), IN_NS);
  static final List<String> SELECTED = List.of("kernel", "zfs", "wireguard", "firewall");
  static Map<String, Outcome> prepared;

  @BeforeAll
  static void prepare() throws Exception {
    Requirements.require(Requirements.isRoot(), "root in the lab VM (modules, pools, netns)");
    for (String p : List.of("zfs", "zpool", "wg", "nft", "ip", "modprobe", "rmmod", "sysctl")) {
      Requirements.require(Requirements.onPath(p), p + " on PATH (lab VM)");
    }
    Requirements.require(Files.exists(POOL_DEVICE), "the lab VM's scratch disk " + POOL_DEVICE);
    for (String module : NodeChecks.MODULES) {
      HOST.check("modprobe", module);
    }
    HOST.check("sysctl", "-w", "net.ipv4.ip_forward=1");
    HOST.check("sysctl", "-w", "net.bridge.bridge-nf-call-iptables=1");
    HOST.check(
        ProcessSpec.of("zpool", "create", "-f", "-m", "none", POOL, POOL_DEVICE.toString())
            .timeout(Duration.ofMinutes(2))
            .build());
    HOST.check("zfs", "create", "-p", "-o", "canmount=off", POOL + "/var/lib");
    createDataset("etcd", "8K");
    createDataset("containerd", "128K");
    createDataset("kubelet", "128K");
    HOST.check("ip", "netns", "add", NS);
    sh(
        "umask 077",
        "d=$(mktemp -d)",
        "wg genkey > $d/a; wg genkey > $d/b",
        "ip link set lo up",
        "ip link add wg-k8s type wireguard; ip link add wg-mgmt type wireguard",
        "wg set wg-k8s private-key $d/a listen-port 51821 peer $(wg pubkey < $d/b)"
            + " allowed-ips 10.250.0.9/32 endpoint 127.0.0.1:51820 persistent-keepalive 1",
        "wg set wg-mgmt private-key $d/b listen-port 51820 peer $(wg pubkey < $d/a)"
            + " allowed-ips 10.251.0.9/32 endpoint 127.0.0.1:51821 persistent-keepalive 1",
        "ip addr add 10.251.0.1/24 dev wg-k8s; ip link set wg-k8s up",
        "ip addr add 10.250.0.1/24 dev wg-mgmt; ip link set wg-mgmt up",
        "rm -r $d");
    loadTable();
    // keepalive starts the handshakes; the planes pass once both have shaken hands
    Conditions.system(new CancellationToken())
        .awaitTrue(
            "both planes shook hands",
            Duration.ofSeconds(60),
            () -> run(List.of("wireguard")).values().stream().allMatch(o -> o == Outcome.PASS));
    prepared = run(SELECTED);
  }

  private static void createDataset(String leaf, String recordsize) {
    HOST.check(
        "zfs",
        "create",
        "-o",
        "canmount=off",
        "-o",
        "recordsize=" + recordsize,
        POOL + "/var/lib/" + leaf);
  }

  private static void loadTable() {
    sh(SmokeFixtures.NFT_LOAD);
  }

  @AfterAll
  static void cleanUp() {
    HOST.run(ProcessSpec.of("ip", "netns", "del", NS).build());
    HOST.run(ProcessSpec.of("zpool", "destroy", "-f", POOL).timeout(Duration.ofMinutes(2)).build());
  }

  private static void sh(String... lines) {
    ProcessResult r =
        HOST.run(
            ProcessSpec.of("ip", "netns", "exec", NS, "sh", "-ec", String.join("\n", lines))
                .build());
    assertThat(r.ok()).as(r.stderr()).isTrue();
  }

  /** The selected checks' outcomes by id, in a default (read-only) run. */
  static Map<String, Outcome> run(List<String> only) {
    List<Check> checks =
        SmokeCatalogue.select(SmokeCatalogue.all(NetworkPlan.defaults()), only, List.of());
    try (SmokeContext context =
        new SmokeContext(
            NODE,
            NetworkPlan.defaults(),
            SmokeFixtures.PATHS,
            Duration.ofSeconds(30),
            false,
            line -> {
              throw new AssertionError("a default run says nothing it changed: " + line);
            },
            Clock.systemUTC(),
            Optional.empty(),
            p -> {
              throw new AssertionError("no cluster here");
            })) {
      Map<String, Outcome> out = new LinkedHashMap<>();
      new SmokeRunner(new CancellationToken(), Clock.systemUTC())
          .run(checks, context, r -> {})
          .results()
          .forEach(r -> out.put(r.id(), r.outcome()));
      return out;
    }
  }

  /** The checks whose outcome differs from the prepared node's. */
  static Map<String, Outcome> changed(Map<String, Outcome> now) {
    Map<String, Outcome> out = new TreeMap<>();
    now.forEach(
        (id, o) -> {
          if (o != prepared.get(id)) {
            out.put(id, o);
          }
        });
    return out;
  }

  /** A problem found by the check: FAIL for a critical one, WARN for a warning one. */
  static Map.Entry<String, Outcome> problem(String id) {
    Check check =
        SmokeCatalogue.all(NetworkPlan.defaults()).stream()
            .filter(c -> c.id().equals(id))
            .findFirst()
            .orElseThrow();
    return Map.entry(id, check.outcome(Verdict.problem("found", null)));
  }

  @Test
  @DisplayName(
      "the prepared node passes: modules, sysctls, datasets with recordsize, planes, table")
  void preparedPasses() {
    assertThat(prepared)
        .as("only firewall.api may SKIP (not a cluster member)")
        .allSatisfy(
            (id, o) ->
                assertThat(o)
                    .as(id)
                    .isEqualTo(id.equals("firewall.api") ? Outcome.SKIP : Outcome.PASS));
    assertThat(prepared.keySet())
        .contains(
            "kernel.module.br_netfilter",
            "kernel.sysctl.net.ipv4.ip_forward",
            "zfs.dataset.etcd",
            "zfs.dataset.containerd",
            "zfs.dataset.kubelet",
            "wireguard.wg-k8s.up",
            "wireguard.wg-mgmt.up",
            "firewall.table",
            "firewall.wireguard");
  }

  @Test
  @DisplayName("a module unloaded fails its check (critical) and no other")
  void moduleUnloaded() {
    HOST.check("rmmod", "ip_vs_sh");
    try {
      assertThat(changed(run(SELECTED)))
          .containsExactly(Map.entry("kernel.module.ip_vs_sh", Outcome.FAIL));
    } finally {
      HOST.check("modprobe", "ip_vs_sh");
    }
  }

  @Test
  @DisplayName("a dataset missing turns its check (a warning) to WARN and no other")
  void datasetMissing() {
    HOST.check("zfs", "destroy", POOL + "/var/lib/containerd");
    try {
      assertThat(changed(run(SELECTED))).containsExactly(problem("zfs.dataset.containerd"));
    } finally {
      createDataset("containerd", "128K");
    }
  }

  @Test
  @DisplayName("the Kubernetes plane down turns its check (a warning) to WARN and no other")
  void planeDown() {
    sh("ip link set wg-k8s down");
    try {
      assertThat(changed(run(SELECTED))).containsExactly(problem("wireguard.wg-k8s.up"));
    } finally {
      sh("ip link set wg-k8s up");
    }
  }

  @Test
  @DisplayName(
      "the table deleted turns the checks that read it (the table, its WireGuard ports) to WARN")
  void tableDeleted() {
    sh("nft delete table inet kldload");
    try {
      assertThat(changed(run(SELECTED)))
          .containsExactly(problem("firewall.table"), problem("firewall.wireguard"));
    } finally {
      loadTable();
    }
  }

  @Test
  @DisplayName(
      "a default run of every node check on a faulty node loads no module, sets no sysctl and"
          + " leaves both rulesets as they were")
  void readOnly() {
    HOST.check("rmmod", "ip_vs_sh");
    HOST.check("sysctl", "-w", "net.bridge.bridge-nf-call-iptables=0");
    try {
      Map<String, String> before = machine();
      List<String> nodeSections = new ArrayList<>();
      for (Section s : Section.values()) {
        if (s != Section.CLUSTER) {
          nodeSections.add(s.id());
        }
      }
      Map<String, Outcome> results = run(nodeSections);
      assertThat(results.get("kernel.module.ip_vs_sh")).isEqualTo(Outcome.FAIL);
      assertThat(results.get("kernel.sysctl.net.bridge.bridge-nf-call-iptables"))
          .isNotEqualTo(Outcome.PASS);
      assertThat(machine()).isEqualTo(before);
    } finally {
      HOST.check("modprobe", "ip_vs_sh");
      HOST.check("sysctl", "-w", "net.bridge.bridge-nf-call-iptables=1");
    }
  }

  /** Loaded module names, the sysctls the checks read, the host's and the namespace's ruleset. */
  private static Map<String, String> machine() {
    Map<String, String> out = new TreeMap<>();
    out.put(
        "modules",
        String.join(
            ",",
            NODE.read("/proc/modules")
                .orElseThrow()
                .lines()
                .map(l -> l.split(" ")[0])
                .sorted()
                .toList()));
    for (String key : SYSCTLS) {
      out.put(key, NODE.read("/proc/sys/" + key).orElse("absent").strip());
    }
    out.put("ruleset", HOST.check("nft", "list", "ruleset").stdout());
    out.put(
        "ruleset in " + NS, IN_NS.check(ProcessSpec.of("nft", "list", "ruleset").build()).stdout());
    return out;
  }
}
