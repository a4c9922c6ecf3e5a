package dev.kldload.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeInitCommandTest {
  static final String SHA = "0123456789abcdef".repeat(4);

  @TempDir Path dir;
  RecordingCli cli;
  Path lock;

  @BeforeEach
  void node() throws Exception {
    Files.createDirectories(dir.resolve("node/etc"));
    Files.writeString(dir.resolve("node/etc/hostname"), "kldload-cp-1\n");
    wgK8s("10.251.0.1/24");
    lock = dir.resolve("lock.yaml");
    StringBuilder sb = new StringBuilder("kubernetes: v1.32.3\ncharts:\n");
    for (String chart : List.of("cilium", "metallb", "zfs-localpv", "metrics-server")) {
      sb.append("  - {name: ")
          .append(chart)
          .append(", version: 1.0.0, file: helm-charts/")
          .append(chart)
          .append(".tgz, sha256: ")
          .append(SHA)
          .append("}\n");
    }
    sb.append(
            "manifests:\n  - {name: gateway-api, version: v1.2.1, file: k8s-manifests/gateway-api.yaml, sha256: ")
        .append(SHA)
        .append("}\n");
    Files.writeString(lock, sb.toString());
    cli =
        new RecordingCli()
            .env("KLDLOAD_NODE_ROOT", dir.resolve("node").toString())
            .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
            .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString());
  }

  /** The wg-quick file kube-network init leaves on the node. */
  void wgK8s(String address) throws Exception {
    Files.createDirectories(dir.resolve("node/etc/wireguard"));
    Files.writeString(
        dir.resolve("node/etc/wireguard/wg-k8s.conf"), "[Interface]\nAddress = " + address + "\n");
  }

  @Test
  @DisplayName("--dry-run shows the plan and every rendered file, and changes nothing")
  void dryRun() throws Exception {
    CliHarness.Result r =
        cli.exec(
            "kube-init",
            "--dry-run",
            "--node-ip",
            "192.168.122.10",
            "--vip",
            "192.168.122.240",
            "--vip-interface",
            "enp1s0",
            "--kube-vip-image",
            "registry.example/kube-vip/kube-vip:v1.2.4",
            "--lock",
            lock.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .as(r.toString())
        .contains(
            "kubeadm-init", "helm-cilium", "helm-metallb", "helm-metrics-server", "join-command")
        .contains(
            "# /etc/kldload/kube-init/kubeadm.yaml (0644)",
            "controlPlaneEndpoint: 192.168.122.240:6443")
        .contains("- 10.250.0.1", "- 10.251.0.1", "addon/kube-proxy")
        .contains(
            "# /etc/kubernetes/manifests/kube-vip.yaml (0600)",
            "image: registry.example/kube-vip/kube-vip:v1.2.4")
        .contains("# /etc/kldload/kube-init/cilium-values.yaml (0644)", "MTU: 1370")
        .contains(
            "# /etc/kldload/kube-init/metallb.yaml (0644)", "192.168.122.200-192.168.122.220");
    try (Stream<Path> files = Files.walk(dir.resolve("node"))) {
      assertThat(files.filter(Files::isRegularFile))
          .containsExactlyInAnyOrder(
              dir.resolve("node/etc/hostname"), dir.resolve("node/etc/wireguard/wg-k8s.conf"));
    }
    assertThat(cli.ran).allSatisfy(s -> assertThat(s.readOnly()).isTrue());
  }

  @Test
  @DisplayName("the net.* configuration reaches the kubeadm configuration and the Cilium values")
  void configuredPlan() throws Exception {
    wgK8s("10.61.0.1/24");
    CliHarness.Result r =
        cli.env("KLDLOAD_NET_K8S_SUBNET", "10.61.0.0/24")
            .env("KLDLOAD_NET_POD_CIDR", "10.32.0.0/16")
            .env("KLDLOAD_NET_SERVICE_CIDR", "10.33.0.0/16")
            .env("KLDLOAD_NET_WIREGUARD_MTU", "1400")
            .exec(
                "kube-init", "--dry-run", "--node-ip", "192.168.122.10", "--lock", lock.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .as(r.toString())
        .contains("advertiseAddress: 10.61.0.1", "- 10.61.0.1", "- 10.33.0.1")
        .contains("podSubnet: 10.32.0.0/16", "serviceSubnet: 10.33.0.0/16")
        .contains("MTU: 1350", "k8sServiceHost: 10.61.0.1", "- 10.32.0.0/16")
        .doesNotContain("10.251.0.1", "10.244.0.0/16", "10.96.0.0/16");
  }

  @Test
  @DisplayName("without WireGuard a warning line says the LAN is used, unencrypted, MTU 1450")
  void lanFallbackWarns() throws Exception {
    Files.delete(dir.resolve("node/etc/wireguard/wg-k8s.conf"));
    CliHarness.Result r =
        cli.exec(
            "kube-init", "--dry-run", "--node-ip", "192.168.122.10", "--lock", lock.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.err())
        .as(r.toString())
        .contains("warning: kube-init: no WireGuard", "192.168.122.10", "NOT encrypted");
    assertThat(r.out()).contains("advertiseAddress: 192.168.122.10", "MTU: 1450");
  }

  @Test
  @DisplayName("refuses a node that already runs a control plane (exit 5), nothing run")
  void refusesRunningControlPlane() throws Exception {
    Files.createDirectories(dir.resolve("node/etc/kubernetes/manifests"));
    Files.writeString(dir.resolve("node/etc/kubernetes/manifests/kube-apiserver.yaml"), "x");
    CliHarness.Result r =
        cli.exec("kube-init", "--node-ip", "192.168.122.10", "--lock", lock.toString());
    assertThat(r.exit()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).contains("already set up", "kube-reset");
    assertThat(cli.ran).isEmpty();
  }

  @Test
  @DisplayName("bad networks exit 2; a lock without the charts exits 6")
  void badInput() throws Exception {
    CliHarness.Result overlap =
        cli.env("KLDLOAD_NET_POD_CIDR", "10.96.0.0/12")
            .exec(
                "kube-init", "--dry-run", "--node-ip", "192.168.122.10", "--lock", lock.toString());
    cli.env("KLDLOAD_NET_POD_CIDR", "10.244.0.0/16");
    assertThat(overlap.exit()).as(overlap.toString()).isEqualTo(2);
    assertThat(overlap.err()).contains("overlaps");
    CliHarness.Result ip =
        cli.exec(
            "kube-init", "--dry-run", "--node-ip", "192.168.122.300", "--lock", lock.toString());
    assertThat(ip.exit()).as(ip.toString()).isEqualTo(2);
    Files.writeString(lock, "kubernetes: v1.32.3\n");
    CliHarness.Result noCharts =
        cli.exec(
            "kube-init", "--dry-run", "--node-ip", "192.168.122.10", "--lock", lock.toString());
    assertThat(noCharts.exit()).as(noCharts.toString()).isEqualTo(6);
    assertThat(noCharts.err()).contains("pins no");
    assertThat(cli.ran).isEmpty();
  }
}
