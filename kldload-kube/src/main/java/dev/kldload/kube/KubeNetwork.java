package dev.kldload.kube;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The addresses one control plane needs from the cluster's network plan (DESIGN §4): the node's
 * address on the libvirt network, its two WireGuard addresses, pod and service ranges, the optional
 * API VIP, the MetalLB range and the Cilium MTU. Kept here, small, until the net module's {@code
 * NetworkPlan} can produce it; every renderer and tool in this module reads only this.
 */
public record KubeNetwork(
    InetAddress nodeAddress,
    InetAddress wgMgmtAddress,
    InetAddress wgK8sAddress,
    Cidr podCidr,
    Cidr serviceCidr,
    Optional<InetAddress> apiVip,
    int apiPort,
    InetAddress metallbFirst,
    InetAddress metallbLast,
    int ciliumMtu) {

  /** 1500 − 80 (WireGuard) − 50 (VXLAN): larger frames are dropped silently on the tunnel. */
  public static final int CILIUM_MTU_OVER_WIREGUARD = 1370;

  public KubeNetwork {
    Objects.requireNonNull(nodeAddress, "nodeAddress");
    Objects.requireNonNull(wgMgmtAddress, "wgMgmtAddress");
    Objects.requireNonNull(wgK8sAddress, "wgK8sAddress");
    Objects.requireNonNull(apiVip, "apiVip");
    if (podCidr.overlaps(serviceCidr)) {
      throw KldloadException.invalid(
          "pod network " + podCidr + " overlaps service network " + serviceCidr,
          "pick disjoint ranges, e.g. pods 10.244.0.0/16 and services 10.96.0.0/16");
    }
    if (apiPort < 1 || apiPort > 65535) {
      throw KldloadException.invalid("API port " + apiPort + " is out of range", "use 6443");
    }
    if (ciliumMtu < 1280 || ciliumMtu > 9000) {
      throw KldloadException.invalid(
          "Cilium MTU " + ciliumMtu + " is out of range", "use 1370 over WireGuard");
    }
  }

  /**
   * The plan's defaults for the control plane with node id {@code id} on a /24 libvirt network
   * ({@code 192.168.122.0/24}): wg-mgmt 10.250.0.id, wg-k8s 10.251.0.id, pods 10.244.0.0/16,
   * services 10.96.0.0/16, MetalLB .200–.220 and VIP .240 of the libvirt network.
   */
  public static KubeNetwork defaults(
      Cidr libvirtNetwork, InetAddress nodeAddress, int id, boolean vip) {
    return new KubeNetwork(
        nodeAddress,
        Cidr.parse("10.250.0.0/24").host(id),
        Cidr.parse("10.251.0.0/24").host(id),
        Cidr.parse("10.244.0.0/16"),
        Cidr.parse("10.96.0.0/16"),
        vip ? Optional.of(libvirtNetwork.host(240)) : Optional.empty(),
        6443,
        libvirtNetwork.host(200),
        libvirtNetwork.host(220),
        CILIUM_MTU_OVER_WIREGUARD);
  }

  /**
   * The address clients use for the API: the VIP when there is one (so control planes can be
   * added), else the node's wg-k8s address.
   */
  public String apiHost() {
    return apiVip.orElse(wgK8sAddress).getHostAddress();
  }

  /** The control-plane endpoint ("host:port"), only when a VIP exists. */
  public Optional<String> controlPlaneEndpoint() {
    return apiVip.map(a -> hostPort(a, apiPort));
  }

  /**
   * Names the API server certificate must carry: both WireGuard addresses, the node address, the
   * VIP and the service network's first address (the in-cluster {@code kubernetes} service).
   */
  public List<String> certSans() {
    List<String> sans = new ArrayList<>();
    for (InetAddress a : List.of(wgMgmtAddress, wgK8sAddress, nodeAddress, serviceCidr.host(1))) {
      add(sans, a.getHostAddress());
    }
    apiVip.ifPresent(a -> add(sans, a.getHostAddress()));
    return sans;
  }

  /** "192.168.122.200-192.168.122.220", as MetalLB writes a range. */
  public String metallbRange() {
    return metallbFirst.getHostAddress() + "-" + metallbLast.getHostAddress();
  }

  private static void add(List<String> list, String value) {
    if (!list.contains(value)) {
      list.add(value);
    }
  }

  static String hostPort(InetAddress address, int port) {
    String host = address.getHostAddress();
    return (address instanceof Inet4Address ? host : "[" + host + "]") + ":" + port;
  }
}
