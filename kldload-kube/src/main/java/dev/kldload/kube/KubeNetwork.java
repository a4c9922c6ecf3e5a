package dev.kldload.kube;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.HostNetwork;
import dev.kldload.net.IfAddress;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.Route;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The addresses one control plane needs from the cluster's network plan (DESIGN §4): the node's
 * address on the libvirt network, its two WireGuard addresses, pod and service ranges, the optional
 * API VIP, the MetalLB range and the Cilium MTU, derived from the one {@link NetworkPlan} so that
 * {@code net.*} settings reach the API certificate and Cilium as they reach WireGuard. Every
 * renderer and tool in this module reads only this.
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
          "Cilium MTU " + ciliumMtu + " is out of range",
          "set net.wireguard-mtu so that it minus 50 (VXLAN) is 1280 or more");
    }
  }

  /**
   * The control plane with node id {@code id} in {@code plan} (built from the {@code net.*}
   * configuration): its wg-mgmt and wg-k8s addresses, the plan's pod and service networks, the
   * MetalLB range of the libvirt network, and a Cilium MTU that fits inside the plan's WireGuard
   * MTU. {@code vip}: the API virtual address, when the cluster has one.
   */
  public static KubeNetwork of(
      NetworkPlan plan, InetAddress nodeAddress, NodeId id, Optional<InetAddress> vip) {
    return of(
        plan,
        nodeAddress,
        plan.mgmt().address(id).address(),
        plan.k8s().address(id).address(),
        vip,
        plan.ciliumMtu(true));
  }

  /**
   * A control plane without WireGuard (the original's LAN fallback): the node address stands in for
   * both plane addresses, so the API server advertises on it and the kubelet runs on it, and
   * Cilium's VXLAN MTU is the physical network's minus 50 (1450), not the WireGuard one.
   */
  public static KubeNetwork lan(
      NetworkPlan plan, InetAddress nodeAddress, Optional<InetAddress> vip) {
    return of(plan, nodeAddress, nodeAddress, nodeAddress, vip, plan.ciliumMtu(false));
  }

  private static KubeNetwork of(
      NetworkPlan plan,
      InetAddress nodeAddress,
      InetAddress mgmt,
      InetAddress k8s,
      Optional<InetAddress> vip,
      int ciliumMtu) {
    return new KubeNetwork(
        nodeAddress,
        mgmt,
        k8s,
        plan.podCidr(),
        plan.serviceCidr(),
        vip,
        6443,
        plan.libvirtNetwork().host(plan.metallbFirst()),
        plan.libvirtNetwork().host(plan.metallbLast()),
        ciliumMtu);
  }

  /**
   * This node's address when the operator gives none: its address on the plan's libvirt network
   * (where the cluster's VMs sit; the host's own bridge there is not a node), else the first IPv4
   * address of the default route's interface. PRECONDITION when neither exists.
   */
  public static InetAddress nodeAddress(NetworkPlan plan, HostNetwork host) {
    Cidr libvirt = plan.libvirtNetwork();
    List<Route> routes = host.routes();
    List<String> devices =
        routes.stream()
            .filter(r -> !r.isDefault() && r.destination().overlaps(libvirt))
            .flatMap(r -> r.device().stream())
            .filter(d -> !d.equals(plan.libvirtBridge()))
            .distinct()
            .toList();
    for (String device : devices) {
      for (IfAddress a : host.addresses(device)) {
        if (libvirt.contains(a.address())) {
          return a.address();
        }
      }
    }
    Optional<String> lan = host.defaultInterface();
    if (lan.isPresent()) {
      for (IfAddress a : host.addresses(lan.get())) {
        if (a.address() instanceof Inet4Address) {
          return a.address();
        }
      }
    }
    throw KldloadException.precondition(
        "cannot tell this node's address: none on the libvirt network "
            + libvirt
            + " and no IPv4 address on a default route",
        "give --node-ip");
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
