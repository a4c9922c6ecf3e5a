package dev.kldload.kube.smoke;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The smoke test's sections, in the original's order; {@link #id()} selects one on the CLI. */
public enum Section {
  PACKAGES("package", "Package Manager"),
  KERNEL("kernel", "Kernel Modules and Sysctls"),
  SWAP("swap", "Swap"),
  CONTAINERD("containerd", "Containerd"),
  BINARIES("binaries", "Kubernetes Binaries"),
  CNI("cni", "CNI"),
  ZFS("zfs", "ZFS"),
  WIREGUARD("wireguard", "WireGuard"),
  KUBELET("kubelet", "Kubelet Node IP"),
  FIREWALL("firewall", "Firewall"),
  IMAGES("images", "Offline Images"),
  CLUSTER("cluster", "Cluster"),
  OBSERVABILITY("observability", "Observability");

  private final String id;
  private final String title;

  Section(String id, String title) {
    this.id = id;
    this.title = title;
  }

  public String id() {
    return id;
  }

  public String title() {
    return title;
  }

  public static Optional<Section> byId(String id) {
    return Arrays.stream(values())
        .filter(s -> s.id.equals(id.toLowerCase(Locale.ROOT)))
        .findFirst();
  }
}
