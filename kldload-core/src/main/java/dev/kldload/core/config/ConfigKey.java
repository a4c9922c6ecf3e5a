package dev.kldload.core.config;

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
  LIBVIRT_URI("libvirt.uri", "qemu:///system", "libvirt connection URI"),
  KVM_BACKEND("kvm.backend", "zfs", "disk backend for VMs: zfs or qcow2"),
  KVM_IMAGES_DIR("kvm.images-dir", "/var/lib/libvirt/images", "qcow2 disks and seed ISOs"),
  ZFS_VM_PARENT("zfs.vm-parent", "rpool/vms", "parent dataset of VM zvols"),
  NODE_ROOT("node.root", "/", "file system root the node-side kube tools work on (a chroot, tests)"),
  KUBE_BUNDLE(
      "kube.bundle", "/root/darksite", "offline bundle (darksite) with the stack lock and packages");

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
    return java.util.Arrays.stream(values()).map(ConfigKey::key).toList();
  }
}
