package dev.kldload.cli.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.lock.HostLock;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.node.NodeStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation and read paths that need no root and no WireGuard. */
class KubeNetworkCommandTest {
  @TempDir Path dir;

  private NetCli cli() {
    return new NetCli(dir, Optional.empty(), "wg-mgmt", "wg-k8s");
  }

  @Test
  @DisplayName("a node id outside 1-254 or not a number is exit 2 and changes nothing")
  void badIds() {
    for (String id : new String[] {"0", "255", "abc", "-1"}) {
      NetCli.Result r = cli().run("init", id);
      assertThat(r.exit()).as(r.toString()).isEqualTo(2);
      assertThat(r.err()).as(r.toString()).contains("error:", "node id");
    }
    assertThat(dir.resolve("state")).doesNotExist();
  }

  @Test
  @DisplayName("add-peer with a bad endpoint or key is exit 2 with a hint")
  void badPeer() {
    String key = "9EPsB9sZvy+NN5iWebK201vFweXftl4FSiKpH+h+/D0=";
    NetCli.Result port = cli().run("add-peer", "10.0.0.2:51820", "2", "--mgmt-key", key);
    assertThat(port.exit()).as(port.toString()).isEqualTo(2);
    assertThat(port.err()).contains("endpoint", "hint:");
    NetCli.Result shell = cli().run("add-peer", "a;b", "2", "--mgmt-key", key);
    assertThat(shell.exit()).as(shell.toString()).isEqualTo(2);
    NetCli.Result badKey = cli().run("add-peer", "10.0.0.2", "2", "--mgmt-key", "abc=");
    assertThat(badKey.exit()).as(badKey.toString()).isEqualTo(2);
    assertThat(badKey.err()).contains("not a WireGuard key");
    NetCli.Result badId = cli().run("add-peer", "10.0.0.2", "300", "--k8s-key", key);
    assertThat(badId.exit()).as(badId.toString()).isEqualTo(2);
  }

  @Test
  @DisplayName("apply with a missing mesh file is exit 4, with an invalid one exit 2")
  void badMesh() throws Exception {
    NetCli.Result missing = cli().run("apply", "--mesh", dir.resolve("nope.yaml").toString());
    assertThat(missing.exit()).as(missing.toString()).isEqualTo(4);
    Path bad = dir.resolve("mesh.yaml");
    Files.writeString(bad, "nodes:\n  - id: 1\n    endpoint: 10.0.0.1\n    mgmtKey: nokey\n");
    NetCli.Result invalid = cli().run("apply", "--mesh", bad.toString());
    assertThat(invalid.exit()).as(invalid.toString()).isEqualTo(2);
    assertThat(invalid.err()).contains("not a WireGuard key");
  }

  @Test
  @DisplayName("-vv shows each program kube-network runs on stderr; without it none is shown")
  void verboseShowsCommands() {
    NetCli.Result quiet = cli().run("check");
    assertThat(quiet.err()).as(quiet.toString()).doesNotContain("$ ip");
    NetCli.Result verbose = cli().run("check", "-vv");
    assertThat(verbose.exit()).as(verbose.toString()).isIn(0, 5);
    assertThat(verbose.err()).as(verbose.toString()).contains("$ ip ");
    assertThat(verbose.out()).as(verbose.toString()).isEqualTo(quiet.out());
    NetCli.Result exits = cli().run("check", "-vvv");
    assertThat(exits.err()).as(exits.toString()).containsPattern("exit \\d+ in ");
  }

  @Test
  @DisplayName("show-keys labels each key with the configured interface name")
  void showKeysLabels() {
    NodeStore store = new NodeStore(dir.resolve("state"));
    store.saveNode(new NodeStore.NodeRecord(NodeId.of(3), false));
    String mgmt = store.createKey(PlaneKind.MGMT).publicKey().base64();
    String k8s = store.createKey(PlaneKind.K8S).publicKey().base64();
    NetCli.Result r = new NetCli(dir, Optional.empty(), "wg-ops", "wg-cluster0").run("show-keys");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .as(r.toString())
        .isEqualTo(
            "Node ID:      3\n" + "wg-ops:       " + mgmt + "\n" + "wg-cluster0:  " + k8s + "\n");
  }

  @Test
  @DisplayName("show-keys and peer commands before init are exit 6 (precondition)")
  void beforeInit() {
    NetCli.Result keys = cli().run("show-keys");
    assertThat(keys.exit()).as(keys.toString()).isEqualTo(6);
    assertThat(keys.err()).contains("kube-network init");
    NetCli.Result remove = cli().run("remove-peer", "2");
    assertThat(remove.exit()).as(remove.toString()).isEqualTo(6);
  }

  @Test
  @DisplayName("a bad net.* value in a config file is exit 2 naming the key and the file")
  void configValuesValidated() throws Exception {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("net:\n  mgmt:\n    interface: \"-f\"\n", "net.mgmt.interface");
    bad.put("net:\n  wireguard-dir: \"/etc/wire\\0guard\"\n", "net.wireguard-dir");
    bad.put("net:\n  libvirt-bridge: \"..\"\n", "net.libvirt-bridge");
    bad.put("net:\n  k8s:\n    port: 70000\n", "net.k8s.port");
    bad.put("net:\n  mgmt:\n    subnet: 10.250.0.0/28\n", "net.mgmt.subnet");
    bad.put("net:\n  host-id: 2.5\n", "net.host-id");
    bad.put("net:\n  wireguard-mtu: 9000\n", "net.wireguard-mtu");
    bad.put("net:\n  boot-units: yes please\n", "net.boot-units");
    bad.put("net:\n  kubelet-defaults: etc/default/kubelet\n", "net.kubelet-defaults");
    Path config = dir.resolve("kldload.yaml");
    for (Map.Entry<String, String> entry : bad.entrySet()) {
      Files.writeString(config, entry.getKey());
      NetCli.Result r =
          cli()
              .without("KLDLOAD_NET_MGMT_INTERFACE")
              .without("KLDLOAD_NET_WIREGUARD_DIR")
              .without("KLDLOAD_NET_BOOT_UNITS")
              .without("KLDLOAD_NET_KUBELET_DEFAULTS")
              .run("--config", config.toString(), "init", "1", "--dry-run");
      assertThat(r.exit()).as(r.toString()).isEqualTo(2);
      assertThat(r.err())
          .as(r.toString())
          .contains("error: init: " + entry.getValue() + " '", "config file " + config, "hint:")
          .doesNotContain("unexpected");
    }
    assertThat(dir.resolve("state")).doesNotExist();
  }

  @Test
  @DisplayName("nft --lan-interface that could pass for an option is exit 2")
  void lanInterfaceValidated() {
    NetCli.Result r = cli().run("nft", "--lan-interface=-f", "--print");
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).as(r.toString()).contains("interface name '-f'");
  }

  @Test
  @DisplayName(
      "mesh verbs wait for the 'wireguard' lock, nft for the 'firewall' lock other tools take too")
  void lockScopes() {
    try (HostLock held = HostLock.acquire(dir.resolve("run"), "wireguard", "another tool")) {
      NetCli.Result remove = cli().run("remove-peer", "2");
      assertThat(remove.exit()).as(remove.toString()).isEqualTo(5);
      assertThat(remove.err()).as(remove.toString()).contains("another tool");
    }
    try (HostLock held = HostLock.acquire(dir.resolve("run"), "firewall", "kube-reset")) {
      NetCli.Result nft = cli().run("nft", "--lan-interface", "lo");
      assertThat(nft.exit()).as(nft.toString()).isEqualTo(5);
      assertThat(nft.err()).as(nft.toString()).contains("kube-reset");
    }
  }

  @Test
  @DisplayName("kube-network without a verb is a usage error; --help on every verb exits 0")
  void help() {
    assertThat(cli().run().exit()).isEqualTo(2);
    for (String verb :
        new String[] {
          "init",
          "add-peer",
          "remove-peer",
          "apply",
          "show-keys",
          "status",
          "check",
          "nft",
          "pin-kubelet"
        }) {
      NetCli.Result r = cli().run(verb, "--help");
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.out()).as(verb).contains("Example:");
      assertThat(cli().run(verb, "--no-such-option").exit()).as(verb).isEqualTo(2);
    }
  }
}
