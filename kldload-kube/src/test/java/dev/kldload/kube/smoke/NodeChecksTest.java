package dev.kldload.kube.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NodeChecksTest {
  final List<String> notes = new ArrayList<>();

  private Map<String, CheckResult> run(InMemorySmokeNode node) {
    return SmokeFixtures.runNode(node, false, notes);
  }

  private static Set<String> notPassing(Map<String, CheckResult> results) {
    return results.values().stream()
        .filter(r -> r.outcome() != Outcome.PASS)
        .map(r -> r.id() + "=" + r.outcome())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  @DisplayName("a healthy control plane passes every node check, each with one line of evidence")
  void healthy() {
    Map<String, CheckResult> r = run(SmokeFixtures.healthyNode());
    assertThat(notPassing(r)).isEmpty();
    assertThat(r.get("containerd.binary").evidence())
        .isEqualTo("containerd containerd.io 1.7.27 05044ec");
    assertThat(r.get("binaries.kubectl").evidence()).isEqualTo("Client Version: v1.32.3");
    assertThat(r.get("cni.plugins").evidence()).startsWith("5 plugins (bridge, cilium-cni,");
    assertThat(r.get("zfs.dataset.etcd").evidence())
        .isEqualTo("rpool/k8s/var/lib/etcd recordsize=8K");
    assertThat(r.get("wireguard.wg-k8s.up").evidence())
        .isEqualTo("10.251.0.1/24, 1 peer(s), newest handshake 20s ago");
    assertThat(r.get("kubelet.node-ip.plane").evidence())
        .isEqualTo("10.251.0.1 on wg-k8s (10.251.0.0/24)");
    assertThat(r.get("firewall.table").evidence()).isEqualTo("1 chains, 5 rules");
    assertThat(r.get("firewall.wireguard").evidence()).isEqualTo("udp 51820, 51821 accepted");
    assertThat(r.get("images.offline").evidence())
        .isEqualTo("2 image archives in /root/darksite/k8s-images");
    assertThat(r.values())
        .allSatisfy(c -> assertThat(c.evidence()).doesNotContain("\n").isNotBlank());
    assertThat(notes).isEmpty();
  }

  @Test
  @DisplayName("a missing module is a FAIL with the modprobe hint, and nothing is loaded")
  void missingModule() {
    InMemorySmokeNode node = SmokeFixtures.healthyNode();
    node.file(
        "/proc/modules",
        "overlay 1 0 - Live 0x0\nip_vs 1 0 - Live 0x0\nip_vs_rr 1 0 - Live 0x0\n"
            + "ip_vs_wrr 1 0 - Live 0x0\nip_vs_sh 1 0 - Live 0x0\nnf_conntrack 1 0 - Live 0x0\n");
    Map<String, CheckResult> r = run(node);
    assertThat(notPassing(r)).containsExactly("kernel.module.br_netfilter=FAIL");
    assertThat(r.get("kernel.module.br_netfilter").hint())
        .hasValueSatisfying(h -> assertThat(h).startsWith("modprobe br_netfilter"));
    assertThat(node.fixes).isEmpty();
  }

  @Test
  @DisplayName("a module built into the kernel (modules.builtin) passes")
  void builtinModule() {
    InMemorySmokeNode node = SmokeFixtures.healthyNode();
    node.file("/proc/modules", "")
        .file("/proc/sys/kernel/osrelease", "6.1.0-27-amd64\n")
        .file(
            "/lib/modules/6.1.0-27-amd64/modules.builtin",
            String.join(
                "\n",
                "kernel/fs/overlayfs/overlay.ko",
                "kernel/net/bridge/br_netfilter.ko",
                "kernel/net/netfilter/ipvs/ip_vs.ko",
                "kernel/net/netfilter/ipvs/ip_vs_rr.ko",
                "kernel/net/netfilter/ipvs/ip_vs_wrr.ko",
                "kernel/net/netfilter/ipvs/ip_vs_sh.ko",
                "kernel/net/netfilter/nf_conntrack.ko"));
    Map<String, CheckResult> r = run(node);
    assertThat(notPassing(r)).isEmpty();
    assertThat(r.get("kernel.module.overlay").evidence())
        .isEqualTo("built into kernel 6.1.0-27-amd64");
  }

  @Test
  @DisplayName("--fix loads a missing module and sets a sysctl, and says so on stderr")
  void fix() {
    InMemorySmokeNode node = SmokeFixtures.healthyNode();
    String loaded = node.read("/proc/modules").orElseThrow();
    node.file(
            "/proc/modules", loaded.replace("br_netfilter 45056 1 - Live 0x0000000000000000\n", ""))
        .file("/proc/sys/net/ipv4/ip_forward", "0\n")
        .onFix(() -> node.file("/proc/modules", loaded), "modprobe", "br_netfilter")
        .onFix(
            () -> node.file("/proc/sys/net/ipv4/ip_forward", "1\n"),
            "sysctl",
            "-w",
            "net.ipv4.ip_forward=1");
    Map<String, CheckResult> r = SmokeFixtures.runNode(node, true, notes);
    assertThat(notPassing(r)).isEmpty();
    assertThat(node.fixes)
        .containsExactly(
            List.of("modprobe", "br_netfilter"), List.of("sysctl", "-w", "net.ipv4.ip_forward=1"));
    assertThat(notes)
        .containsExactly(
            "--fix: loaded kernel module br_netfilter (modprobe br_netfilter)",
            "--fix: set net.ipv4.ip_forward = 1 (sysctl -w; not persistent)");
    assertThat(r.get("kernel.module.br_netfilter").evidence())
        .isEqualTo("loaded by --fix (modprobe br_netfilter)");
  }

  @Test
  @DisplayName("without --fix a wrong sysctl fails (ip_forward) or warns (bridge-nf-call-iptables)")
  void sysctls() {
    InMemorySmokeNode node = SmokeFixtures.healthyNode();
    node.file("/proc/sys/net/ipv4/ip_forward", "0\n")
        .remove("/proc/sys/net/bridge/bridge-nf-call-iptables");
    Map<String, CheckResult> r = run(node);
    assertThat(notPassing(r))
        .containsExactly(
            "kernel.sysctl.net.bridge.bridge-nf-call-iptables=WARN",
            "kernel.sysctl.net.ipv4.ip_forward=FAIL");
    assertThat(r.get("kernel.sysctl.net.ipv4.ip_forward").evidence())
        .isEqualTo("net.ipv4.ip_forward = 0");
    assertThat(node.fixes).isEmpty();
  }

  @Test
  @DisplayName("swap fails on a cluster member, passes on the hypervisor, warns elsewhere")
  void swap() {
    String swaps =
        "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/zram0 partition\t4194300\t0\t100\n";
    InMemorySmokeNode member = SmokeFixtures.healthyNode().file("/proc/swaps", swaps);
    assertThat(run(member).get("swap.off").outcome()).isEqualTo(Outcome.FAIL);

    InMemorySmokeNode host =
        SmokeFixtures.healthyNode()
            .file("/proc/swaps", swaps)
            .remove("/etc/kubernetes/kubelet.conf")
            .file("/etc/libvirt/qemu.conf", "");
    CheckResult onHost = run(host).get("swap.off");
    assertThat(onHost.outcome()).isEqualTo(Outcome.PASS);
    assertThat(onHost.evidence())
        .isEqualTo("1 swap device(s): /dev/zram0 (allowed on the hypervisor)");

    InMemorySmokeNode fresh =
        SmokeFixtures.healthyNode()
            .file("/proc/swaps", swaps)
            .remove("/etc/kubernetes/kubelet.conf");
    assertThat(run(fresh).get("swap.off").outcome()).isEqualTo(Outcome.WARN);
  }

  @Test
  @DisplayName("off a cluster member, kubeadm/kubelet/node-ip/API-port checks SKIP with the reason")
  void notAMember() {
    InMemorySmokeNode node = SmokeFixtures.healthyNode().remove("/etc/kubernetes/kubelet.conf");
    Map<String, CheckResult> r = run(node);
    assertThat(notPassing(r))
        .containsExactly(
            "binaries.kubeadm=SKIP",
            "binaries.kubelet=SKIP",
            "firewall.api=SKIP",
            "kubelet.node-ip.plane=SKIP",
            "kubelet.node-ip=SKIP");
    assertThat(r.get("binaries.kubelet").evidence()).startsWith("not a cluster member");
  }

  @Test
  @DisplayName("containerd without SystemdCgroup = true fails naming the file")
  void cgroup() {
    InMemorySmokeNode node = SmokeFixtures.healthyNode();
    node.file("/etc/containerd/config.toml", "version = 2\n  SystemdCgroup = false\n");
    Map<String, CheckResult> r = run(node);
    assertThat(notPassing(r)).containsExactly("containerd.cgroup.systemd=FAIL");
    assertThat(r.get("containerd.cgroup.systemd").evidence())
        .contains("/etc/containerd/config.toml");
  }

  @Test
  @DisplayName("missing binaries: kubectl fails, helm and cilium warn, kubelet fails on a member")
  void binaries() {
    InMemorySmokeNode node = new InMemorySmokeNode();
    InMemorySmokeNode healthy = SmokeFixtures.healthyNode();
    // the same node without kubectl, kubelet, helm and cilium on PATH
    for (String path :
        List.of(
            "/proc/modules",
            "/proc/sys/net/ipv4/ip_forward",
            "/proc/sys/net/bridge/bridge-nf-call-iptables",
            "/proc/swaps",
            "/etc/kubernetes/kubelet.conf")) {
      node.file(path, healthy.read(path).orElseThrow());
    }
    Map<String, CheckResult> r = run(node);
    assertThat(r.get("binaries.kubectl").outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.get("binaries.kubectl").evidence()).isEqualTo("kubectl is not installed");
    assertThat(r.get("binaries.kubelet").outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.get("binaries.helm").outcome()).isEqualTo(Outcome.WARN);
    assertThat(r.get("binaries.cilium").outcome()).isEqualTo(Outcome.WARN);
    assertThat(r.get("zfs.available").outcome()).isEqualTo(Outcome.SKIP);
    assertThat(r.get("firewall.table").outcome()).isEqualTo(Outcome.SKIP);
    assertThat(r.get("wireguard.wg-k8s.up").outcome()).isEqualTo(Outcome.SKIP);
    assertThat(r.get("wireguard.wg-k8s.up").evidence())
        .isEqualTo("ip (iproute2) is not installed: interfaces not read");
    assertThat(r.get("wireguard.wg-mgmt.up").outcome()).isEqualTo(Outcome.SKIP);
  }

  @Test
  @DisplayName("etcd on a 128K-record dataset warns; a missing dataset warns")
  void datasets() {
    InMemorySmokeNode node = SmokeFixtures.healthyNode();
    node.command(
        0,
        "rpool/k8s/var/lib/etcd\tmountpoint\t/var/lib/etcd\nrpool/k8s/var/lib/etcd\trecordsize\t131072\n",
        "",
        "zfs",
        "get",
        "-H",
        "-p",
        "-o",
        "name,property,value",
        "-t",
        "filesystem",
        "mountpoint,recordsize");
    Map<String, CheckResult> r = run(node);
    assertThat(notPassing(r))
        .containsExactly(
            "zfs.dataset.containerd=WARN", "zfs.dataset.etcd=WARN", "zfs.dataset.kubelet=WARN");
    assertThat(r.get("zfs.dataset.etcd").evidence())
        .isEqualTo("rpool/k8s/var/lib/etcd recordsize=128K");
    assertThat(r.get("zfs.dataset.kubelet").evidence())
        .isEqualTo("no dataset mounted at /var/lib/kubelet");
  }

  @Test
  @DisplayName("WireGuard: a stale or never-made handshake warns; an address off the plane warns")
  void wireguard() {
    long now = SmokeFixtures.NOW.getEpochSecond();
    InMemorySmokeNode node = SmokeFixtures.healthyNode();
    node.command(
            0,
            SmokeFixtures.wgDump(51821, now - 5, now - 600, 0),
            "",
            "wg",
            "show",
            "wg-k8s",
            "dump")
        .command(
            0,
            SmokeFixtures.ipAddr("wg-mgmt", "10.99.0.1"),
            "",
            "ip",
            "-j",
            "addr",
            "show",
            "dev",
            "wg-mgmt");
    Map<String, CheckResult> r = run(node);
    assertThat(notPassing(r))
        .containsExactly("wireguard.wg-k8s.up=WARN", "wireguard.wg-mgmt.up=WARN");
    assertThat(r.get("wireguard.wg-k8s.up").evidence())
        .isEqualTo(
            "10.251.0.1/24, 3 peer(s), newest handshake 5s ago; 1 never shook hands, 1 older than 3 min");
    assertThat(r.get("wireguard.wg-mgmt.up").evidence())
        .isEqualTo("wg-mgmt has 10.99.0.1/24, not one in 10.250.0.0/24");
  }

  @Test
  @DisplayName("firewall: no table inet kldload warns with the command that loads it")
  void firewallMissing() {
    InMemorySmokeNode node = SmokeFixtures.healthyNode();
    node.command(
        1,
        "",
        "Error: No such file or directory\nlist table inet kldload\n                ^^^^^^^\n",
        "nft",
        "-j",
        "list",
        "table",
        "inet",
        "kldload");
    Map<String, CheckResult> r = run(node);
    assertThat(notPassing(r))
        .containsExactly("firewall.api=WARN", "firewall.table=WARN", "firewall.wireguard=WARN");
    assertThat(r.get("firewall.table").hint()).contains("kube-network nft");
  }

  @Test
  @DisplayName("a node-ip on the LAN warns: pod traffic would not ride wg-k8s")
  void nodeIpOffPlane() {
    InMemorySmokeNode node = SmokeFixtures.healthyNode();
    node.file("/etc/default/kubelet", "KUBELET_EXTRA_ARGS=--node-ip=192.168.122.10\n");
    Map<String, CheckResult> r = run(node);
    assertThat(notPassing(r)).containsExactly("kubelet.node-ip.plane=WARN");
  }

  @Test
  @DisplayName("no offline archives: the k8s.io images in containerd count instead")
  void imagesFromContainerd() {
    InMemorySmokeNode node = SmokeFixtures.healthyNode();
    node.remove("/root/darksite/k8s-images/pause.tar")
        .remove("/root/darksite/k8s-images/coredns.tar")
        .command(
            0,
            "registry.k8s.io/pause:3.10\nregistry.k8s.io/coredns/coredns:v1.11.3\nquay.io/cilium/cilium:v1.17.2\n",
            "",
            "ctr",
            "-n",
            "k8s.io",
            "images",
            "ls",
            "-q");
    Map<String, CheckResult> r = run(node);
    assertThat(r.get("images.offline").evidence())
        .isEqualTo("2 registry.k8s.io images in containerd");
  }

  @Test
  @DisplayName("no archives and containerd not running: warns without asking ctr (it would hang)")
  void imagesWithoutContainerd() {
    InMemorySmokeNode node = SmokeFixtures.healthyNode();
    node.remove("/root/darksite/k8s-images/pause.tar")
        .remove("/root/darksite/k8s-images/coredns.tar")
        .remove("/run/containerd/containerd.sock")
        .program("ctr");
    Map<String, CheckResult> r = run(node);
    assertThat(r.get("images.offline").outcome()).isEqualTo(Outcome.WARN);
    assertThat(r.get("images.offline").evidence())
        .isEqualTo(
            "no archives in /root/darksite/k8s-images; containerd is not running (no"
                + " /run/containerd/containerd.sock)");
    assertThat(node.ran).noneMatch(argv -> argv.get(0).equals("ctr"));
  }
}
