package dev.kldload.kube.smoke;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.net.NetworkPlan;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Builders the smoke tests share: a healthy node, contexts, a run collected by id. */
final class SmokeFixtures {
  static final Instant NOW = Instant.parse("2026-11-30T09:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final SmokeContext.Paths PATHS =
      new SmokeContext.Paths("/etc/default/kubelet", "/root/darksite/k8s-images");

  private SmokeFixtures() {}

  /** A node where every node check passes: a joined control plane with its mesh and firewall. */
  static InMemorySmokeNode healthyNode() {
    StringBuilder modules = new StringBuilder();
    for (String m : NodeChecks.MODULES) {
      modules.append(m).append(" 45056 1 - Live 0x0000000000000000\n");
    }
    long handshake = NOW.getEpochSecond() - 20;
    return new InMemorySmokeNode()
        .program("apt-get")
        .file("/proc/modules", modules.toString())
        .file("/proc/sys/net/ipv4/ip_forward", "1\n")
        .file("/proc/sys/net/bridge/bridge-nf-call-iptables", "1\n")
        .file("/proc/sys/kernel/hostname", "kldload-cp\n")
        .file("/proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n")
        .file("/etc/kubernetes/kubelet.conf", "apiVersion: v1\n")
        .command(0, "containerd containerd.io 1.7.27 05044ec\n", "", "containerd", "--version")
        .command(0, "active\n", "", "systemctl", "is-active", "containerd")
        .file("/run/containerd/containerd.sock", "")
        .file(
            "/etc/containerd/config.toml",
            "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
                + "  SystemdCgroup = true\n")
        .file("/etc/crictl.yaml", "runtime-endpoint: unix:///run/containerd/containerd.sock\n")
        .command(
            0,
            "Client Version: v1.32.3\nKustomize Version: v5.5.0\n",
            "",
            "kubectl",
            "version",
            "--client")
        .command(0, "v1.32.3\n", "", "kubeadm", "version", "-o", "short")
        .command(0, "Kubernetes v1.32.3\n", "", "kubelet", "--version")
        .command(0, "v3.17.2+gcc0c9f4\n", "", "helm", "version", "--short")
        .command(
            0, "cilium-cli: v0.18.3 compiled with go1.24\n", "", "cilium", "version", "--client")
        .file("/opt/cni/bin/bridge", "")
        .file("/opt/cni/bin/cilium-cni", "")
        .file("/opt/cni/bin/host-local", "")
        .file("/opt/cni/bin/loopback", "")
        .file("/opt/cni/bin/portmap", "")
        .command(0, "zfs-2.1.11-1\nzfs-kmod-2.1.11-1\n", "", "zfs", "version")
        .command(
            0,
            String.join(
                "",
                "rpool/k8s/var/lib/etcd\tmountpoint\t/var/lib/etcd\n",
                "rpool/k8s/var/lib/etcd\trecordsize\t8192\n",
                "rpool/k8s/var/lib/containerd\tmountpoint\t/var/lib/containerd\n",
                "rpool/k8s/var/lib/containerd\trecordsize\t131072\n",
                "rpool/k8s/var/lib/kubelet\tmountpoint\t/var/lib/kubelet\n",
                "rpool/k8s/var/lib/kubelet\trecordsize\t131072\n"),
            "",
            "zfs",
            "get",
            "-H",
            "-p",
            "-o",
            "name,property,value",
            "-t",
            "filesystem",
            "mountpoint,recordsize")
        .command(0, "", "", "wg", "--version")
        .command(0, ipAddr("wg-k8s", "10.251.0.1"), "", "ip", "-j", "addr", "show", "dev", "wg-k8s")
        .command(
            0, ipAddr("wg-mgmt", "10.250.0.1"), "", "ip", "-j", "addr", "show", "dev", "wg-mgmt")
        .command(0, wgDump(51821, handshake), "", "wg", "show", "wg-k8s", "dump")
        .command(0, wgDump(51820, handshake), "", "wg", "show", "wg-mgmt", "dump")
        .file("/etc/default/kubelet", "KUBELET_EXTRA_ARGS=--node-ip=10.251.0.1\n")
        .command(0, NFT_TABLE, "", "nft", "-j", "list", "table", "inet", "kldload")
        .file("/root/darksite/k8s-images/pause.tar", "")
        .file("/root/darksite/k8s-images/coredns.tar", "");
  }

  static String ipAddr(String ifname, String address) {
    return "[{\"ifindex\":5,\"ifname\":\""
        + ifname
        + "\",\"flags\":[\"POINTOPOINT\",\"NOARP\",\"UP\",\"LOWER_UP\"],\"mtu\":1420,"
        + "\"operstate\":\"UNKNOWN\",\"addr_info\":[{\"family\":\"inet\",\"local\":\""
        + address
        + "\",\"prefixlen\":24,\"scope\":\"global\",\"label\":\""
        + ifname
        + "\"}]}]";
  }

  /** {@code wg show IF dump}: the interface line, then one line per peer. */
  static String wgDump(int port, long... handshakes) {
    StringBuilder sb = new StringBuilder("cHJpdmF0ZQ==\tcHVibGlj\t" + port + "\toff\n");
    int i = 2;
    for (long h : handshakes) {
      sb.append("peer")
          .append(i)
          .append("=\t(none)\t192.168.122.")
          .append(10 + i)
          .append(":")
          .append(port)
          .append("\t10.251.0.")
          .append(i)
          .append("/32\t")
          .append(h)
          .append("\t1000\t2000\t25\n");
      i++;
    }
    return sb.toString();
  }

  /** What {@code nft -j list table inet kldload} printed for our rules (nft 1.0.6, netns). */
  /** Loads our table with both WireGuard ports and 6443 open, as kube-network nft does. */
  static final String NFT_LOAD =
      String.join(
          "\n",
          "nft -f - <<'EOF'",
          "table inet kldload {",
          "  chain input {",
          "    type filter hook input priority filter; policy accept;",
          "    udp dport { 51820, 51821 } accept",
          "    tcp dport 6443 accept",
          "  }",
          "}",
          "EOF");

  static final String NFT_TABLE =
      "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"release_name\": \"Lester Gooch #5\","
          + " \"json_schema_version\": 1}}, {\"table\": {\"family\": \"inet\", \"name\":"
          + " \"kldload\", \"handle\": 1}}, {\"chain\": {\"family\": \"inet\", \"table\":"
          + " \"kldload\", \"name\": \"input\", \"handle\": 1, \"type\": \"filter\", \"hook\":"
          + " \"input\", \"prio\": 0, \"policy\": \"drop\"}}, {\"rule\": {\"family\": \"inet\","
          + " \"table\": \"kldload\", \"chain\": \"input\", \"handle\": 2, \"expr\": [{\"match\":"
          + " {\"op\": \"in\", \"left\": {\"ct\": {\"key\": \"state\"}}, \"right\":"
          + " [\"established\", \"related\"]}}, {\"accept\": null}]}}, {\"rule\": {\"family\":"
          + " \"inet\", \"table\": \"kldload\", \"chain\": \"input\", \"handle\": 4, \"expr\":"
          + " [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"udp\","
          + " \"field\": \"dport\"}}, \"right\": {\"set\": [51820, 51821]}}}, {\"accept\":"
          + " null}]}}, {\"rule\": {\"family\": \"inet\", \"table\": \"kldload\", \"chain\":"
          + " \"input\", \"handle\": 6, \"expr\": [{\"match\": {\"op\": \"==\", \"left\":"
          + " {\"meta\": {\"key\": \"iifname\"}}, \"right\": {\"set\": [\"wg-k8s\","
          + " \"wg-mgmt\"]}}}, {\"accept\": null}]}}, {\"rule\": {\"family\": \"inet\","
          + " \"table\": \"kldload\", \"chain\": \"input\", \"handle\": 7, \"expr\": [{\"match\":"
          + " {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"tcp\", \"field\":"
          + " \"dport\"}}, \"right\": 6443}}, {\"accept\": null}]}}, {\"rule\": {\"family\":"
          + " \"inet\", \"table\": \"kldload\", \"chain\": \"input\", \"handle\": 8, \"expr\":"
          + " [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"tcp\","
          + " \"field\": \"dport\"}}, \"right\": {\"range\": [30000, 32767]}}}, {\"accept\":"
          + " null}]}}]}";

  static SmokeContext context(SmokeNode node, List<String> notes) {
    return context(
        node,
        notes,
        false,
        Duration.ofSeconds(5),
        Optional.empty(),
        p -> {
          throw new AssertionError("no cluster in this test");
        });
  }

  static SmokeContext context(
      SmokeNode node,
      List<String> notes,
      boolean fix,
      Duration timeout,
      Optional<Path> kubeconfig,
      Function<Path, Cluster> opener) {
    return new SmokeContext(
        node, NetworkPlan.defaults(), PATHS, timeout, fix, notes::add, CLOCK, kubeconfig, opener);
  }

  /** Runs {@code checks} and returns the results by id. */
  static Map<String, CheckResult> run(List<Check> checks, SmokeContext context) {
    SmokeReport report =
        new SmokeRunner(new CancellationToken(), Clock.systemUTC()).run(checks, context, r -> {});
    return report.results().stream()
        .collect(Collectors.toMap(CheckResult::id, r -> r, (a, b) -> a, LinkedHashMap::new));
  }

  static Map<String, CheckResult> runNode(InMemorySmokeNode node, boolean fix, List<String> notes) {
    List<Check> checks = new ArrayList<>(NodeChecks.all(NetworkPlan.defaults()));
    return run(
        checks, context(node, notes, fix, Duration.ofSeconds(5), Optional.empty(), p -> null));
  }
}
