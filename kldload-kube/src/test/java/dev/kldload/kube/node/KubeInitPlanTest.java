package dev.kldload.kube.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.HostName;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.InMemoryHostNetwork;
import dev.kldload.net.NetworkPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-init's plan on a scratch root, without running it: which addresses, files and steps it
 * chooses from what the node knows (its wg-k8s file, its root file system, the lock).
 */
class KubeInitPlanTest {
  static final String SHA = "0123456789abcdef".repeat(4);

  @TempDir Path root;
  final List<String> warnings = new ArrayList<>();
  final InMemoryHostNetwork host = new InMemoryHostNetwork().address("enp1s0", "192.168.122.10/24");
  Optional<String> kubeVipImage = Optional.empty();
  NodeSystem sys;

  void write(String rel, String content) {
    try {
      Files.createDirectories(root.resolve(rel).getParent());
      Files.writeString(root.resolve(rel), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeEach
  void node() {
    StringBuilder lock = new StringBuilder("kubernetes: v1.32.3\ncharts:\n");
    for (String chart : List.of("cilium", "metallb", "zfs-localpv", "metrics-server")) {
      lock.append("  - {name: ")
          .append(chart)
          .append(", version: 1.0.0, file: helm-charts/")
          .append(chart)
          .append(".tgz, sha256: ")
          .append(SHA)
          .append("}\n");
    }
    lock.append("manifests:\n");
    for (String manifest : List.of("gateway-api", "local-path-provisioner")) {
      lock.append("  - {name: ")
          .append(manifest)
          .append(", version: v1.0.0, file: k8s-manifests/")
          .append(manifest)
          .append(".yaml, sha256: ")
          .append(SHA)
          .append("}\n");
    }
    write("bundle/k8s-stack.lock.yaml", lock.toString());
    sys = new NodeSystem(root, new ScriptedRunner());
  }

  Plan plan(Optional<NodeId> id, Optional<InetAddress> vip) {
    return plan(id, vip, root.resolve("bundle/k8s-stack.lock.yaml"));
  }

  Plan plan(Optional<NodeId> id, Optional<InetAddress> vip, Path lock) {
    return new KubeInit(
            sys,
            () -> {
              throw new AssertionError("/ is not on ZFS here");
            },
            () -> {
              throw new AssertionError("the plan talks to no cluster");
            },
            () -> host,
            Instant.parse("2026-11-30T12:00:00Z"),
            warnings::add)
        .plan(
            new KubeInit.Request(
                Optional.of(HostName.of("cp-1")),
                "kldload",
                NetworkPlan.defaults(),
                id,
                Optional.of(Cidr.parseAddress("192.168.122.10")),
                vip,
                lock,
                root.resolve("bundle"),
                "/etc/wireguard",
                Optional.empty(),
                kubeVipImage));
  }

  /** A darksite with the original k8s-stack.lock ({@code head} and the charts kube-init needs). */
  void originalDarksite(String head) throws IOException {
    Files.delete(root.resolve("bundle/k8s-stack.lock.yaml"));
    write(
        "bundle/k8s-stack.lock",
        head
            + "CHART=cilium|https://charts.example.invalid/cilium/|cilium|1.20.2\n"
            + "CHART=metallb|https://charts.example.invalid/metallb/|metallb|0.16.1\n"
            + "CHART=metrics-server|https://charts.example.invalid/metrics/|metrics-server|3.13.0\n"
            + "MANIFEST=gateway-api|https://example.invalid/standard-install.yaml|v1.6.1\n");
    for (String f :
        List.of(
            "helm-charts/cilium.tgz",
            "helm-charts/metallb.tgz",
            "helm-charts/metrics-server.tgz",
            "k8s-manifests/gateway-api.yaml")) {
      write("bundle/" + f, f);
    }
  }

  String rendered(String path) {
    return sys.renderedFiles().stream()
        .filter(f -> f.path().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("not rendered: " + path))
        .content();
  }

  @Test
  @DisplayName("the node id and wg-k8s address come from the node's own wg-k8s file, not --id 1")
  void addressFromTheNodesPlan() {
    write("etc/wireguard/wg-k8s.conf", "[Interface]\nAddress = 10.251.0.3/24\nMTU = 1420\n");
    plan(Optional.empty(), Optional.empty());
    String kubeadm = rendered("/etc/kldload/kube-init/kubeadm.yaml");
    assertThat(kubeadm)
        .contains("advertiseAddress: 10.251.0.3", "- 10.250.0.3", "- 192.168.122.10");
    assertThat(rendered("/etc/kldload/kube-init/cilium-values.yaml")).contains("MTU: 1370");
    assertThat(warnings).noneMatch(w -> w.contains("WireGuard"));
  }

  @Test
  @DisplayName("an --id that disagrees with the node's wg-k8s address is refused (exit 2)")
  void idMustAgree() {
    write("etc/wireguard/wg-k8s.conf", "[Interface]\nAddress = 10.251.0.3/24\n");
    assertThatThrownBy(() -> plan(Optional.of(NodeId.of(1)), Optional.empty()))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT))
        .hasMessageContaining("node 3");
  }

  @Test
  @DisplayName("a wg-k8s address outside the plan is a precondition failure naming the file")
  void addressOutsideThePlan() {
    write("etc/wireguard/wg-k8s.conf", "[Interface]\nAddress = 10.99.0.3/24\n");
    assertThatThrownBy(() -> plan(Optional.empty(), Optional.empty()))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION))
        .hasMessageContaining("/etc/wireguard/wg-k8s.conf");
  }

  @Test
  @DisplayName(
      "reads the original k8s-stack.lock: its Kubernetes version, the darksite's charts, warnings")
  void originalLock() throws Exception {
    write("etc/wireguard/wg-k8s.conf", "[Interface]\nAddress = 10.251.0.1/24\n");
    originalDarksite("K8S_VERSION=v1.37.1\n");
    Plan plan =
        plan(Optional.empty(), Optional.empty(), StackLockFile.inBundle(root.resolve("bundle")));
    assertThat(rendered("/etc/kldload/kube-init/kubeadm.yaml"))
        .contains("kubernetesVersion: v1.37.1");
    assertThat(plan.step("helm-cilium").description()).contains("1.20.2");
    assertThat(warnings)
        .anySatisfy(w -> assertThat(w).contains("helm-charts/cilium.tgz", "UNVERIFIED"));
  }

  @Test
  @DisplayName(
      "--vip: kube-vip's static pod (interface of the node address, image from the original"
          + " lock, super-admin.conf) is written before kubeadm init; the VIP is the endpoint")
  void vip() throws Exception {
    write("etc/wireguard/wg-k8s.conf", "[Interface]\nAddress = 10.251.0.1/24\n");
    originalDarksite("K8S_VERSION=v1.32.3\nIMAGE=registry.example/kube-vip/kube-vip:v1.2.4\n");
    Plan plan =
        plan(
            Optional.empty(),
            Optional.of(Cidr.parseAddress("192.168.122.240")),
            root.resolve("bundle/k8s-stack.lock"));
    assertThat(plan.step("kubeadm-init").dependsOn()).contains("file-kube-vip");
    assertThat(plan.step("certificate-key").dependsOn()).contains("kubeadm-init");
    assertThat(rendered("/etc/kubernetes/manifests/kube-vip.yaml"))
        .contains(
            "image: registry.example/kube-vip/kube-vip:v1.2.4",
            "value: enp1s0",
            "value: 192.168.122.240",
            "path: /etc/kubernetes/super-admin.conf");
    assertThat(rendered("/etc/kldload/kube-init/kubeadm.yaml"))
        .contains("controlPlaneEndpoint: 192.168.122.240:6443");
    assertThat(sys.renderedFiles())
        .filteredOn(f -> f.path().equals("/etc/kubernetes/manifests/kube-vip.yaml"))
        .singleElement()
        .satisfies(f -> assertThat(f.mode()).isEqualTo(0600));
  }

  @Test
  @DisplayName("--vip without a kube-vip image in the lock or on the command line: exit 6")
  void vipNeedsAnImage() {
    write("etc/wireguard/wg-k8s.conf", "[Interface]\nAddress = 10.251.0.1/24\n");
    assertThatThrownBy(
            () -> plan(Optional.empty(), Optional.of(Cidr.parseAddress("192.168.122.240"))))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION))
        .hasMessageContaining("kube-vip image");
    kubeVipImage = Optional.of("registry.example/kube-vip/kube-vip:v1.2.4");
    plan(Optional.empty(), Optional.of(Cidr.parseAddress("192.168.122.240")));
    assertThat(rendered("/etc/kubernetes/manifests/kube-vip.yaml")).contains("value: enp1s0");
  }

  @Test
  @DisplayName("--vip with a YAML lock: the kube-vip image is the one its images section pins")
  void vipImageFromTheYamlLock() throws Exception {
    write("etc/wireguard/wg-k8s.conf", "[Interface]\nAddress = 10.251.0.1/24\n");
    Path lock = root.resolve("bundle/k8s-stack.lock.yaml");
    Files.writeString(
        lock,
        Files.readString(lock)
            + "images:\n  - {ref: registry.example/kube-vip/kube-vip:v1.2.4, digest: sha256:"
            + SHA
            + ", file: k8s-images/kube-vip.tar, sha256: "
            + SHA
            + "}\n");
    plan(Optional.empty(), Optional.of(Cidr.parseAddress("192.168.122.240")));
    assertThat(rendered("/etc/kubernetes/manifests/kube-vip.yaml"))
        .contains("image: registry.example/kube-vip/kube-vip:v1.2.4");
  }

  @Test
  @DisplayName(
      "without WireGuard: advertise on the node address, Cilium MTU 1450, and a warning says so")
  void lanFallback() {
    plan(Optional.empty(), Optional.empty());
    String kubeadm = rendered("/etc/kldload/kube-init/kubeadm.yaml");
    assertThat(kubeadm).contains("advertiseAddress: 192.168.122.10").doesNotContain("10.251.");
    String cilium = rendered("/etc/kldload/kube-init/cilium-values.yaml");
    assertThat(cilium).contains("MTU: 1450", "k8sServiceHost: 192.168.122.10");
    assertThat(warnings)
        .anySatisfy(
            w -> assertThat(w).contains("no WireGuard", "192.168.122.10", "NOT encrypted", "1450"));
  }
}
