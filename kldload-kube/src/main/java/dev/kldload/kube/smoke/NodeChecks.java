package dev.kldload.kube.smoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.Cidr;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.Plane;
import dev.kldload.net.PlaneKind;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node checks (spec §8, rows 1–35), all read-only: kernel modules come from /proc/modules and
 * /sys/module, sysctls from /proc/sys, swap from /proc/swaps, the rest from files and read-only
 * commands. Only {@code --fix} loads a missing module or sets a sysctl, and says so.
 */
final class NodeChecks {
  static final List<String> MODULES =
      List.of(
          "overlay", "br_netfilter", "ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_sh", "nf_conntrack");
  static final String CONTAINERD_CONFIG = "/etc/containerd/config.toml";
  static final String CONTAINERD_SOCKET = "/run/containerd/containerd.sock";
  static final String CRICTL_CONFIG = "/etc/crictl.yaml";
  static final String CNI_BIN = "/opt/cni/bin";
  static final String[] CTR_IMAGES = {"ctr", "-n", "k8s.io", "images", "ls", "-q"};
  static final Duration STALE_HANDSHAKE = Duration.ofMinutes(3);
  private static final Pattern SYSTEMD_CGROUP =
      Pattern.compile("(?m)^\\s*SystemdCgroup\\s*=\\s*true\\s*(#.*)?$");
  private static final Pattern NODE_IP = Pattern.compile("--node-ip=([0-9A-Fa-f.:]+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeChecks() {}

  static List<Check> all(NetworkPlan plan) {
    List<Check> checks = new ArrayList<>();
    checks.add(
        new Check(
            "package.manager",
            Section.PACKAGES,
            Severity.CRITICAL,
            "a package manager is installed",
            NodeChecks::packageManager));
    for (String module : MODULES) {
      checks.add(
          new Check(
              "kernel.module." + module,
              Section.KERNEL,
              Severity.CRITICAL,
              "kernel module " + module + " is loaded",
              c -> module(c, module)));
    }
    checks.add(
        new Check(
            "kernel.sysctl.net.ipv4.ip_forward",
            Section.KERNEL,
            Severity.CRITICAL,
            "net.ipv4.ip_forward = 1",
            c ->
                sysctl(
                    c,
                    "net.ipv4.ip_forward",
                    "1",
                    "the kernel has no IPv4 forwarding knob: check its build")));
    checks.add(
        new Check(
            "kernel.sysctl.net.bridge.bridge-nf-call-iptables",
            Section.KERNEL,
            Severity.WARNING,
            "net.bridge.bridge-nf-call-iptables = 1 (Cilium's eBPF works without)",
            c -> sysctl(c, "net.bridge.bridge-nf-call-iptables", "1", "load br_netfilter first")));
    checks.add(
        new Check(
            "swap.off", Section.SWAP, Severity.CRITICAL, "no swap on a node", NodeChecks::swap));
    checks.add(
        new Check(
            "containerd.binary",
            Section.CONTAINERD,
            Severity.CRITICAL,
            "containerd is installed",
            c -> version(c, "kube-setup installs it", "containerd", "--version")));
    checks.add(
        new Check(
            "containerd.service",
            Section.CONTAINERD,
            Severity.CRITICAL,
            "containerd.service is active",
            NodeChecks::containerdService));
    checks.add(
        new Check(
            "containerd.socket",
            Section.CONTAINERD,
            Severity.CRITICAL,
            "containerd's socket exists",
            c ->
                c.node().exists(CONTAINERD_SOCKET)
                    ? Verdict.pass(CONTAINERD_SOCKET)
                    : Verdict.problem(
                        CONTAINERD_SOCKET + " is missing", "systemctl start containerd")));
    checks.add(
        new Check(
            "containerd.cgroup.systemd",
            Section.CONTAINERD,
            Severity.CRITICAL,
            "containerd uses the systemd cgroup driver",
            NodeChecks::systemdCgroup));
    checks.add(
        new Check(
            "containerd.crictl",
            Section.CONTAINERD,
            Severity.WARNING,
            "crictl is configured",
            c ->
                c.node().exists(CRICTL_CONFIG)
                    ? Verdict.pass(CRICTL_CONFIG)
                    : Verdict.problem(CRICTL_CONFIG + " is missing", "kube-setup writes it")));
    checks.add(
        new Check(
            "binaries.kubectl",
            Section.BINARIES,
            Severity.CRITICAL,
            "kubectl is installed",
            c -> version(c, "kube-setup installs it", "kubectl", "version", "--client")));
    checks.add(
        new Check(
            "binaries.kubeadm",
            Section.BINARIES,
            Severity.CRITICAL,
            "kubeadm is installed (cluster members)",
            c ->
                memberOnly(
                    c,
                    () ->
                        version(
                            c, "kube-setup installs it", "kubeadm", "version", "-o", "short"))));
    checks.add(
        new Check(
            "binaries.kubelet",
            Section.BINARIES,
            Severity.CRITICAL,
            "kubelet is installed (cluster members)",
            c ->
                memberOnly(c, () -> version(c, "kube-setup installs it", "kubelet", "--version"))));
    checks.add(
        new Check(
            "binaries.helm",
            Section.BINARIES,
            Severity.WARNING,
            "helm is installed",
            c ->
                version(
                    c, "kube-setup installs it from the bundle", "helm", "version", "--short")));
    checks.add(
        new Check(
            "binaries.cilium",
            Section.BINARIES,
            Severity.WARNING,
            "the cilium CLI is installed",
            c ->
                version(
                    c, "kube-setup installs it from the bundle", "cilium", "version", "--client")));
    checks.add(
        new Check(
            "cni.plugins",
            Section.CNI,
            Severity.WARNING,
            "CNI plugins are installed in " + CNI_BIN,
            NodeChecks::cniPlugins));
    checks.add(
        new Check(
            "zfs.available", Section.ZFS, Severity.WARNING, "ZFS is available", NodeChecks::zfs));
    for (String leaf : List.of("etcd", "containerd", "kubelet")) {
      checks.add(
          new Check(
              "zfs.dataset." + leaf,
              Section.ZFS,
              Severity.WARNING,
              "/var/lib/" + leaf + " is its own ZFS dataset",
              c -> dataset(c, leaf)));
    }
    checks.add(
        new Check(
            "wireguard.tools",
            Section.WIREGUARD,
            Severity.WARNING,
            "wireguard-tools (wg) is installed",
            c ->
                c.node().has("wg")
                    ? Verdict.pass("wg installed")
                    : Verdict.problem("wg is not installed", "apt-get install wireguard-tools")));
    for (PlaneKind kind : List.of(PlaneKind.K8S, PlaneKind.MGMT)) {
      Plane p = plan.plane(kind);
      checks.add(
          new Check(
              "wireguard." + p.interfaceName() + ".up",
              Section.WIREGUARD,
              Severity.WARNING,
              p.interfaceName() + " is up on " + p.subnet() + " with live peers",
              c -> plane(c, kind)));
    }
    checks.add(
        new Check(
            "kubelet.node-ip",
            Section.KUBELET,
            Severity.WARNING,
            "the kubelet has a pinned node-ip",
            c ->
                memberOnly(
                    c,
                    () ->
                        nodeIp(c)
                            .map(ip -> Verdict.pass("node-ip " + ip))
                            .orElseGet(
                                () ->
                                    Verdict.problem(
                                        "no --node-ip in " + c.paths().kubeletDefaults(),
                                        "kube-network pin-kubelet")))));
    checks.add(
        new Check(
            "kubelet.node-ip.plane",
            Section.KUBELET,
            Severity.WARNING,
            "the kubelet's node-ip is on a WireGuard plane",
            c -> memberOnly(c, () -> nodeIpPlane(c))));
    checks.add(
        new Check(
            "firewall.table",
            Section.FIREWALL,
            Severity.WARNING,
            "our nftables table inet kldload is loaded",
            c -> firewall(c, t -> Verdict.pass(t.chains + " chains, " + t.rules + " rules"))));
    checks.add(
        new Check(
            "firewall.wireguard",
            Section.FIREWALL,
            Severity.WARNING,
            "the firewall accepts both WireGuard ports",
            c -> firewall(c, t -> wireguardPorts(c.plan(), t))));
    checks.add(
        new Check(
            "firewall.api",
            Section.FIREWALL,
            Severity.WARNING,
            "the firewall accepts the API server port 6443 (cluster members)",
            c ->
                memberOnly(
                    c,
                    () ->
                        firewall(
                            c,
                            t ->
                                t.accepts("tcp", 6443)
                                    ? Verdict.pass("tcp 6443 accepted")
                                    : Verdict.problem(
                                        "no rule accepts tcp 6443", "kube-network nft")))));
    checks.add(
        new Check(
            "images.offline",
            Section.IMAGES,
            Severity.WARNING,
            "offline images are on the node",
            NodeChecks::offlineImages));
    return checks;
  }

  /** The part of a check that runs once it applies. */
  @FunctionalInterface
  interface Body {
    Verdict get() throws Exception;
  }

  /** A check that applies only to a kubeadm cluster member: SKIP with the reason elsewhere. */
  static Verdict memberOnly(SmokeContext c, Body check) throws Exception {
    if (!c.clusterMember()) {
      return Verdict.skip("not a cluster member (no /etc/kubernetes/kubelet.conf)");
    }
    return check.get();
  }

  static Verdict packageManager(SmokeContext c) {
    for (String pm : List.of("apt-get", "dnf")) {
      if (c.node().has(pm)) {
        return Verdict.pass(pm);
      }
    }
    return Verdict.problem("neither apt-get nor dnf is installed", null);
  }

  static Verdict module(SmokeContext c, String module) {
    Optional<String> loaded = moduleState(c, module);
    if (loaded.isPresent()) {
      return Verdict.pass(loaded.get());
    }
    if (c.fix()) {
      ProcessResult r = c.node().fix(List.of("modprobe", module), c.timeout());
      if (r.ok() && moduleState(c, module).isPresent()) {
        c.note("--fix: loaded kernel module " + module + " (modprobe " + module + ")");
        return Verdict.pass("loaded by --fix (modprobe " + module + ")");
      }
      return Verdict.problem(
          r.ok()
              ? "modprobe " + module + " exited 0 but the module is not loaded"
              : "modprobe " + module + " failed: " + r.errorTail(),
          "install the module for this kernel (linux-modules-extra?)");
    }
    return Verdict.problem(
        "not loaded",
        "modprobe "
            + module
            + "; list it in /etc/modules-load.d/ (kube-setup does), or re-run"
            + " with --fix");
  }

  /** Loaded (from /proc/modules), or built in (/sys/module, modules.builtin); empty when absent. */
  static Optional<String> moduleState(SmokeContext c, String module) {
    for (String line : c.node().read("/proc/modules").orElse("").split("\n")) {
      String[] f = line.split("\\s+");
      if (f.length >= 3 && f[0].equals(module)) {
        return Optional.of("loaded, used by " + f[2]);
      }
    }
    if (c.node().exists("/sys/module/" + module)) {
      return Optional.of("present in /sys/module");
    }
    Optional<String> release = c.node().read("/proc/sys/kernel/osrelease").map(String::strip);
    if (release.isPresent()) {
      String builtin =
          c.node().read("/lib/modules/" + release.get() + "/modules.builtin").orElse("");
      for (String line : builtin.split("\n")) {
        String name = line.substring(line.lastIndexOf('/') + 1).replace(".ko", "");
        if (name.replace('-', '_').equals(module)) {
          return Optional.of("built into kernel " + release.get());
        }
      }
    }
    return Optional.empty();
  }

  static Verdict sysctl(SmokeContext c, String key, String want, String whenMissing) {
    String path = "/proc/sys/" + key.replace('.', '/');
    Optional<String> value = c.node().read(path).map(String::strip);
    if (value.isPresent() && value.get().equals(want)) {
      return Verdict.pass(key + " = " + want);
    }
    if (c.fix()) {
      ProcessResult r = c.node().fix(List.of("sysctl", "-w", key + "=" + want), c.timeout());
      Optional<String> after = c.node().read(path).map(String::strip);
      if (r.ok() && after.isPresent() && after.get().equals(want)) {
        c.note("--fix: set " + key + " = " + want + " (sysctl -w; not persistent)");
        return Verdict.pass(key + " = " + want + " (set by --fix)");
      }
      return Verdict.problem(
          r.ok()
              ? "sysctl -w " + key + "=" + want + " exited 0 but the value did not change"
              : "sysctl -w " + key + "=" + want + " failed: " + r.errorTail(),
          whenMissing);
    }
    String hint = "sysctl -w " + key + "=" + want + " (kube-setup persists it), or --fix";
    return value
        .map(v -> Verdict.problem(key + " = " + v, hint))
        .orElseGet(() -> Verdict.problem(path + " does not exist", whenMissing));
  }

  static Verdict swap(SmokeContext c) {
    List<String> devices =
        c.node()
            .read("/proc/swaps")
            .orElse("")
            .lines()
            .skip(1)
            .filter(l -> !l.isBlank())
            .map(l -> l.split("\\s+")[0])
            .toList();
    if (devices.isEmpty()) {
      return Verdict.pass("no swap active");
    }
    String evidence = devices.size() + " swap device(s): " + String.join(", ", devices);
    if (c.clusterMember()) {
      return Verdict.problem(evidence, "swapoff -a; kube-setup turns it off for good");
    }
    if (c.hypervisor()) {
      return Verdict.pass(evidence + " (allowed on the hypervisor)");
    }
    return Verdict.warn(
        evidence + " (not a cluster member yet)", "kube-setup turns swap off before a join");
  }

  static Verdict version(SmokeContext c, String hint, String... argv) {
    Optional<ProcessResult> r = c.command(argv);
    if (r.isEmpty()) {
      return Verdict.problem(argv[0] + " is not installed", hint);
    }
    if (!r.get().ok()) {
      return Verdict.problem(
          String.join(" ", argv) + " exited " + r.get().exitCode() + ": " + r.get().errorTail(),
          null);
    }
    String first = r.get().stdout().strip().lines().findFirst().orElse(argv[0]);
    return Verdict.pass(first);
  }

  static Verdict containerdService(SmokeContext c) {
    Optional<ProcessResult> r = c.command("systemctl", "is-active", "containerd");
    if (r.isEmpty()) {
      return Verdict.skip("no systemctl on this machine");
    }
    String state = Verdict.oneLine(r.get().stdout());
    return r.get().ok()
        ? Verdict.pass(state)
        : Verdict.problem(
            "containerd is " + (state.isEmpty() ? "not active" : state),
            "systemctl enable --now containerd");
  }

  static Verdict systemdCgroup(SmokeContext c) {
    Optional<String> config = c.node().read(CONTAINERD_CONFIG);
    if (config.isEmpty()) {
      return Verdict.problem(CONTAINERD_CONFIG + " is missing", "kube-setup writes it");
    }
    return SYSTEMD_CGROUP.matcher(config.get()).find()
        ? Verdict.pass("SystemdCgroup = true in " + CONTAINERD_CONFIG)
        : Verdict.problem(
            "SystemdCgroup = true not set in " + CONTAINERD_CONFIG,
            "the kubelet uses the systemd driver: set it (kube-setup does) and restart containerd");
  }

  static Verdict cniPlugins(SmokeContext c) {
    List<String> plugins = c.node().list(CNI_BIN);
    if (plugins.isEmpty()) {
      return Verdict.problem(CNI_BIN + " is empty or missing", "Cilium installs its plugin there");
    }
    String some = String.join(", ", plugins.subList(0, Math.min(4, plugins.size())));
    return Verdict.pass(
        plugins.size() + " plugins (" + some + (plugins.size() > 4 ? ", …" : "") + ")");
  }

  static Verdict zfs(SmokeContext c) {
    Optional<ProcessResult> r = c.command("zfs", "version");
    if (r.isEmpty()) {
      return Verdict.skip("zfs is not installed");
    }
    if (!r.get().ok()) {
      return Verdict.problem("zfs version: " + r.get().errorTail(), "modprobe zfs");
    }
    return Verdict.pass(r.get().stdout().strip().lines().findFirst().orElse("zfs"));
  }

  /** name → (mountpoint, recordsize) of every file system, from one {@code zfs get -H -p}. */
  static Map<String, String[]> filesystems(ProcessResult r) {
    Map<String, String[]> out = new LinkedHashMap<>();
    for (String line : r.stdout().split("\n")) {
      String[] f = line.split("\t");
      if (f.length < 3) {
        continue;
      }
      String[] props = out.computeIfAbsent(f[0], k -> new String[2]);
      if (f[1].equals("mountpoint")) {
        props[0] = f[2];
      } else if (f[1].equals("recordsize")) {
        props[1] = f[2];
      }
    }
    return out;
  }

  static Verdict dataset(SmokeContext c, String leaf) {
    Optional<ProcessResult> r =
        c.command(
            "zfs",
            "get",
            "-H",
            "-p",
            "-o",
            "name,property,value",
            "-t",
            "filesystem",
            "mountpoint,recordsize");
    if (r.isEmpty()) {
      return Verdict.skip("zfs is not installed");
    }
    if (!r.get().ok()) {
      return Verdict.problem("zfs get: " + r.get().errorTail(), null);
    }
    String mount = "/var/lib/" + leaf;
    for (Map.Entry<String, String[]> fs : filesystems(r.get()).entrySet()) {
      if (mount.equals(fs.getValue()[0]) || fs.getKey().endsWith("var/lib/" + leaf)) {
        String rs = fs.getValue()[1];
        String size = rs == null ? "?" : ByteSize.human(Long.parseLong(rs));
        String evidence = fs.getKey() + " recordsize=" + size;
        if (leaf.equals("etcd") && rs != null && !rs.equals("8192")) {
          return Verdict.warn(evidence, "etcd writes small pages: zfs set recordsize=8K");
        }
        return Verdict.pass(evidence);
      }
    }
    return Verdict.problem(
        "no dataset mounted at " + mount, "kube-setup creates it when the node has a pool");
  }

  /** One interface's state from {@code ip -j addr show dev IF}. */
  record Link(boolean up, List<String> inet) {}

  static Optional<Link> link(SmokeContext c, String ifname) throws IOException {
    Optional<ProcessResult> r = c.command("ip", "-j", "addr", "show", "dev", ifname);
    if (r.isEmpty() || !r.get().ok() || r.get().stdout().isBlank()) {
      return Optional.empty();
    }
    JsonNode links = JSON.readTree(r.get().stdout());
    if (!links.isArray() || links.isEmpty()) {
      return Optional.empty();
    }
    JsonNode l = links.get(0);
    boolean up = false;
    for (JsonNode flag : l.path("flags")) {
      up |= flag.asText().equals("UP");
    }
    List<String> inet = new ArrayList<>();
    for (JsonNode a : l.path("addr_info")) {
      if (a.path("family").asText().equals("inet")) {
        inet.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
      }
    }
    return Optional.of(new Link(up, inet));
  }

  static Verdict plane(SmokeContext c, PlaneKind kind) throws IOException {
    Plane plane = c.plan().plane(kind);
    String ifname = plane.interfaceName();
    if (!c.node().has("ip")) {
      return Verdict.skip("ip (iproute2) is not installed: interfaces not read");
    }
    Optional<Link> link = link(c, ifname);
    if (link.isEmpty() || !link.get().up()) {
      String state = link.isEmpty() ? "does not exist" : "is down";
      return kind == PlaneKind.K8S
          ? Verdict.problem(
              ifname + " " + state + ": Kubernetes traffic uses the LAN, unencrypted",
              "kube-network init <id>, then add-peer")
          : Verdict.skip(ifname + " " + state + " (management plane not configured)");
    }
    Optional<String> inPlane =
        link.get().inet().stream()
            .filter(a -> plane.subnet().contains(Cidr.parseAddress(a.substring(0, a.indexOf('/')))))
            .findFirst();
    if (inPlane.isEmpty()) {
      return Verdict.problem(
          ifname
              + " has "
              + (link.get().inet().isEmpty()
                  ? "no IPv4 address"
                  : String.join(", ", link.get().inet()))
              + ", not one in "
              + plane.subnet(),
          "check net." + kind.id() + ".subnet against kube-network's configuration");
    }
    Optional<ProcessResult> dump = c.command("wg", "show", ifname, "dump");
    if (dump.isEmpty()) {
      return Verdict.pass(inPlane.get() + " (wg not installed: peers not read)");
    }
    if (!dump.get().ok()) {
      return Verdict.warn(
          inPlane.get() + "; wg show failed: " + dump.get().errorTail(), "run as root");
    }
    return handshakes(c, inPlane.get(), dump.get().stdout());
  }

  /** Peers and their latest handshakes from {@code wg show IF dump} (epoch seconds, 0 = never). */
  static Verdict handshakes(SmokeContext c, String address, String dump) {
    long now = c.clock().instant().getEpochSecond();
    int peers = 0;
    int never = 0;
    int stale = 0;
    long newest = Long.MAX_VALUE;
    List<String> lines = dump.lines().filter(l -> !l.isBlank()).toList();
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] f = line.split("\t");
      if (f.length < 5) {
        continue;
      }
      peers++;
      long latest = Long.parseLong(f[4]);
      if (latest == 0) {
        never++;
        continue;
      }
      long age = Math.max(0, now - latest);
      newest = Math.min(newest, age);
      if (age > STALE_HANDSHAKE.toSeconds()) {
        stale++;
      }
    }
    String evidence =
        address
            + ", "
            + peers
            + " peer(s)"
            + (newest == Long.MAX_VALUE ? "" : ", newest handshake " + newest + "s ago");
    if (peers == 0) {
      return Verdict.warn(evidence, "kube-network add-peer");
    }
    if (never > 0 || stale > 0) {
      return Verdict.warn(
          evidence + "; " + never + " never shook hands, " + stale + " older than 3 min",
          "check the peers' endpoints and UDP ports");
    }
    return Verdict.pass(evidence);
  }

  static Optional<String> nodeIp(SmokeContext c) {
    return c.node()
        .read(c.paths().kubeletDefaults())
        .map(NODE_IP::matcher)
        .filter(Matcher::find)
        .map(m -> m.group(1));
  }

  static Verdict nodeIpPlane(SmokeContext c) {
    Optional<String> ip = nodeIp(c);
    if (ip.isEmpty()) {
      return Verdict.problem(
          "no --node-ip in " + c.paths().kubeletDefaults(), "kube-network pin-kubelet");
    }
    InetAddress address = Cidr.parseAddress(ip.get());
    for (Plane p : List.of(c.plan().k8s(), c.plan().mgmt())) {
      if (p.subnet().contains(address)) {
        return Verdict.pass(ip.get() + " on " + p.interfaceName() + " (" + p.subnet() + ")");
      }
    }
    return Verdict.problem(
        ip.get() + " is on neither " + c.plan().k8s().subnet() + " nor " + c.plan().mgmt().subnet(),
        "kube-network pin-kubelet moves the kubelet onto " + c.plan().k8s().interfaceName());
  }

  /** Our table as read by {@code nft -j list table inet kldload}: counts and accepted ports. */
  record Table(
      int chains,
      int rules,
      Map<String, Set<Integer>> singlePorts,
      List<int[]> tcpRanges,
      List<int[]> udpRanges) {
    boolean accepts(String protocol, int port) {
      if (singlePorts.getOrDefault(protocol, Set.of()).contains(port)) {
        return true;
      }
      for (int[] r : protocol.equals("tcp") ? tcpRanges : udpRanges) {
        if (port >= r[0] && port <= r[1]) {
          return true;
        }
      }
      return false;
    }
  }

  static Verdict firewall(SmokeContext c, Function<Table, Verdict> then) throws IOException {
    Optional<ProcessResult> r = c.command("nft", "-j", "list", "table", "inet", "kldload");
    if (r.isEmpty()) {
      return Verdict.skip("nft is not installed");
    }
    if (!r.get().ok()) {
      String error = r.get().errorTail();
      return error.contains("No such file")
          ? Verdict.problem("table inet kldload is not loaded", "kube-network nft")
          : Verdict.problem("nft: " + error, "run as root");
    }
    return then.apply(parseTable(r.get().stdout()));
  }

  static Table parseTable(String json) throws IOException {
    int chains = 0;
    int rules = 0;
    Map<String, Set<Integer>> ports = new LinkedHashMap<>();
    List<int[]> tcp = new ArrayList<>();
    List<int[]> udp = new ArrayList<>();
    for (JsonNode item : JSON.readTree(json).path("nftables")) {
      if (item.has("chain")) {
        chains++;
      }
      JsonNode rule = item.path("rule");
      if (rule.isMissingNode()) {
        continue;
      }
      rules++;
      boolean accept = false;
      for (JsonNode e : rule.path("expr")) {
        accept |= e.has("accept");
      }
      if (!accept) {
        continue;
      }
      for (JsonNode e : rule.path("expr")) {
        JsonNode match = e.path("match");
        JsonNode payload = match.path("left").path("payload");
        if (!payload.path("field").asText().equals("dport")) {
          continue;
        }
        String proto = payload.path("protocol").asText();
        Set<Integer> set = ports.computeIfAbsent(proto, k -> new TreeSet<>());
        List<int[]> ranges = proto.equals("tcp") ? tcp : udp;
        collectPorts(match.path("right"), set, ranges);
      }
    }
    return new Table(chains, rules, ports, tcp, udp);
  }

  private static void collectPorts(JsonNode right, Set<Integer> ports, List<int[]> ranges) {
    if (right.isInt()) {
      ports.add(right.asInt());
    } else if (right.has("set")) {
      for (JsonNode element : right.path("set")) {
        collectPorts(element, ports, ranges);
      }
    } else if (right.has("range")) {
      ranges.add(
          new int[] {right.path("range").get(0).asInt(), right.path("range").get(1).asInt()});
    }
  }

  static Verdict wireguardPorts(NetworkPlan plan, Table t) {
    List<String> missing = new ArrayList<>();
    for (Plane p : plan.planes()) {
      if (!t.accepts("udp", p.port())) {
        missing.add(p.interfaceName() + " udp " + p.port());
      }
    }
    if (missing.isEmpty()) {
      return Verdict.pass("udp " + plan.mgmt().port() + ", " + plan.k8s().port() + " accepted");
    }
    return Verdict.problem("no rule accepts " + String.join(", ", missing), "kube-network nft");
  }

  static Verdict offlineImages(SmokeContext c) {
    String dir = c.paths().imagesDir();
    List<String> tars = c.node().list(dir).stream().filter(n -> n.endsWith(".tar")).toList();
    if (!tars.isEmpty()) {
      return Verdict.pass(tars.size() + " image archives in " + dir);
    }
    if (!c.node().exists(CONTAINERD_SOCKET)) {
      // ctr would wait for a containerd that is not there until the check's deadline
      return Verdict.problem(
          "no archives in " + dir + "; containerd is not running (no " + CONTAINERD_SOCKET + ")",
          "copy the offline bundle, then kube-load-images");
    }
    Optional<ProcessResult> r = c.command(CTR_IMAGES);
    if (r.isPresent() && r.get().ok()) {
      long count = r.get().stdout().lines().filter(l -> l.startsWith("registry.k8s.io/")).count();
      if (count > 0) {
        return Verdict.pass(count + " registry.k8s.io images in containerd");
      }
    }
    String why =
        r.isEmpty()
            ? "ctr is not installed"
            : r.get().ok()
                ? "no registry.k8s.io image in containerd"
                : "ctr: " + r.get().errorTail();
    return Verdict.problem(
        "no archives in " + dir + "; " + why, "copy the offline bundle, then kube-load-images");
  }
}
