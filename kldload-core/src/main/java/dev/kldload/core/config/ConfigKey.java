package dev.kldload.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every configuration key the suite knows, with its default. Unknown keys in a file are an error,
 * so a typo never silently falls back to a default.
 */
public enum ConfigKey {
  STATE_DIR("state-dir", "/var/lib/kldload", "where cluster manifests, keys and journals live"),
  RUN_DIR("run-dir", "/run/kldload", "where host locks live"),
  LOG_DIR(
      "log-dir",
      "/var/log/kldload",
      "per-tool log files of runs without a terminal on stderr (cron, systemd)"),
  LIBVIRT_URI("libvirt.uri", "qemu:///system", "libvirt connection URI"),
  KVM_BACKEND("kvm.backend", "zfs", "disk backend for VMs: zfs or qcow2"),
  KVM_VIRT_TYPE(
      "kvm.virt-type", "kvm", "domain type: kvm (hardware acceleration) or qemu (emulation)"),
  KVM_IMAGES_DIR("kvm.images-dir", "/var/lib/libvirt/images", "qcow2 disks and seed ISOs"),
  ZFS_VM_PARENT("zfs.vm-parent", "rpool/vms", "parent dataset of VM zvols"),
  NET_LIBVIRT_NETWORK("net.libvirt-network", "192.168.122.0/24", "the VM network (host is .1)"),
  NET_LIBVIRT_BRIDGE("net.libvirt-bridge", "virbr0", "bridge device of the VM network"),
  NET_MGMT_INTERFACE("net.mgmt.interface", "wg-mgmt", "WireGuard interface of the mgmt plane"),
  NET_MGMT_SUBNET("net.mgmt.subnet", "10.250.0.0/24", "mgmt plane subnet (node id = last octet)"),
  NET_MGMT_PORT("net.mgmt.port", "51820", "mgmt plane UDP port"),
  NET_K8S_INTERFACE("net.k8s.interface", "wg-k8s", "WireGuard interface of the k8s plane"),
  NET_K8S_SUBNET("net.k8s.subnet", "10.251.0.0/24", "k8s plane subnet (node id = last octet)"),
  NET_K8S_PORT("net.k8s.port", "51821", "k8s plane UDP port"),
  NET_HOST_ID("net.host-id", "100", "the hypervisor's node id on the planes"),
  NET_POD_CIDR("net.pod-cidr", "10.244.0.0/16", "Kubernetes pod network"),
  NET_SERVICE_CIDR("net.service-cidr", "10.96.0.0/16", "Kubernetes service network"),
  NET_WIREGUARD_MTU("net.wireguard-mtu", "1420", "MTU of the WireGuard interfaces"),
  NET_WIREGUARD_DIR(
      "net.wireguard-dir", "/etc/wireguard", "where wg-quick files are kept for boot"),
  NET_BOOT_UNITS(
      "net.boot-units",
      "true",
      "enable wg-quick@ units and kldload-nftables so planes and firewall survive reboot"),
  NET_NFT_FILE(
      "net.nft-file",
      "/etc/kldload/nftables.nft",
      "the firewall ruleset kldload-nftables.service loads at boot"),
  NET_KUBELET_DEFAULTS(
      "net.kubelet-defaults", "/etc/default/kubelet", "kubelet environment file (pin-kubelet)"),
  NODE_ROOT(
      "node.root", "/", "file system root the node-side kube tools work on (a chroot, tests)"),
  KUBE_GOLDEN("kube.golden", "k8s-golden", "the golden VM kube-cluster clones its nodes from"),
  KUBE_GOLDEN_CACHE(
      "kube.golden-cache",
      "/var/cache/kldload/golden",
      "where kube-cluster golden keeps built root file systems (by recipe)"),
  KUBE_GOLDEN_MIRROR(
      "kube.golden-mirror",
      null,
      "the Debian archive the golden is built from (default: the host's apt sources)"),
  KUBE_HOSTS_FILE(
      "kube.hosts-file", "/etc/hosts", "where kube-cluster keeps its nodes' names (its own block)"),
  KUBE_REACH_SECONDS(
      "kube.reach-seconds",
      "600",
      "how long kube-cluster waits for each node's lease, SSH, cloud-init and handshakes"),
  KUBE_BUNDLE(
      "kube.bundle",
      "/root/darksite",
      "offline bundle (darksite) with the stack lock and packages"),
  KUBE_BUNDLE_SOURCES(
      "kube.bundle-sources",
      "/etc/kldload/bundle-sources.yaml",
      "where kube-bundle build fetches from: apt repository, releases, charts, registries"),
  KUBE_SMOKE_TEST_LOG(
      "kube.smoke-test-log",
      "/var/log/kldload/kube-smoke-test.log",
      "kube-smoke-test appends one line per run here (rotated to .old past 2 MB)");

  private final String key;
  private final String defaultValue;
  private final String description;

  ConfigKey(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String key() {
    return key;
  }

  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  public String description() {
    return description;
  }

  /** {@code libvirt.uri} ↔ {@code KLDLOAD_LIBVIRT_URI}. */
  public String environmentName() {
    return "KLDLOAD_" + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  public static Optional<ConfigKey> byKey(String key) {
    for (ConfigKey k : values()) {
      if (k.key.equals(key)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  public static List<String> keys() {
    return Arrays.stream(values()).map(ConfigKey::key).toList();
  }
}
