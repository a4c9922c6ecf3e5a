package dev.kldload.net;

import dev.kldload.core.KldloadException;
import dev.kldload.core.config.Config;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The address plan (DESIGN §4) as one object: the libvirt network, the two WireGuard planes, node
 * ids, pod and service CIDRs, MetalLB range and API VIP, MTUs. Every value comes from configuration
 * with the original's defaults, so no address is hard-coded elsewhere.
 *
 * @param libvirtNetwork the VM network; its {@code .1} is the host's bridge address
 * @param libvirtBridge the bridge device of that network (its own route is not a conflict)
 * @param hostId the hypervisor's node id on the planes
 * @param physicalMtu MTU of the underlying network
 * @param wireguardMtu MTU of the WireGuard interfaces (physical − 80)
 */
public record NetworkPlan(
    Cidr libvirtNetwork,
    String libvirtBridge,
    Plane mgmt,
    Plane k8s,
    NodeId hostId,
    Cidr podCidr,
    Cidr serviceCidr,
    int metallbFirst,
    int metallbLast,
    int apiVip,
    int physicalMtu,
    int wireguardMtu) {

  /** Bytes WireGuard adds to each packet (IPv6 outer header worst case). */
  public static final int WIREGUARD_OVERHEAD = 80;

  /** Bytes Cilium's VXLAN encapsulation adds. */
  public static final int VXLAN_OVERHEAD = 50;

  public NetworkPlan {
    if (mgmt.kind() != PlaneKind.MGMT || k8s.kind() != PlaneKind.K8S) {
      throw new IllegalArgumentException("planes given in the wrong order");
    }
    if (mgmt.interfaceName().equals(k8s.interfaceName())) {
      throw KldloadException.invalid(
          "both planes use interface " + mgmt.interfaceName(), "give each plane its own interface");
    }
    if (mgmt.port() == k8s.port()) {
      throw KldloadException.invalid(
          "both planes use UDP port " + mgmt.port(), "give each plane its own port");
    }
    if (wireguardMtu < 1280 || wireguardMtu > physicalMtu - WIREGUARD_OVERHEAD) {
      throw KldloadException.invalid(
          "WireGuard MTU " + wireguardMtu + " does not fit a " + physicalMtu + " byte network",
          "use 1280 to " + (physicalMtu - WIREGUARD_OVERHEAD));
    }
    if (metallbFirst < 1 || metallbLast > 254 || metallbFirst > metallbLast) {
      throw KldloadException.invalid(
          "MetalLB range ." + metallbFirst + "-." + metallbLast + " is not valid",
          "use host numbers 1-254, first ≤ last");
    }
    if (apiVip >= metallbFirst && apiVip <= metallbLast) {
      throw KldloadException.invalid(
          "API VIP ." + apiVip + " lies inside the MetalLB range", "pick a VIP outside it");
    }
  }

  /** The original's plan: 10.250.0.0/24:51820, 10.251.0.0/24:51821, host 100, MTU 1420. */
  public static NetworkPlan defaults() {
    return fromConfig(Config.defaults());
  }

  public static NetworkPlan fromConfig(Config config) {
    return new NetworkPlan(
        NetConfig.cidr(config, ConfigKey.NET_LIBVIRT_NETWORK),
        NetConfig.interfaceName(config, ConfigKey.NET_LIBVIRT_BRIDGE),
        plane(config, PlaneKind.MGMT),
        plane(config, PlaneKind.K8S),
        NetConfig.nodeId(config, ConfigKey.NET_HOST_ID),
        NetConfig.cidr(config, ConfigKey.NET_POD_CIDR),
        NetConfig.cidr(config, ConfigKey.NET_SERVICE_CIDR),
        200,
        220,
        240,
        PHYSICAL_MTU,
        NetConfig.number(
            config, ConfigKey.NET_WIREGUARD_MTU, 1280, PHYSICAL_MTU - WIREGUARD_OVERHEAD));
  }

  private static final int PHYSICAL_MTU = 1500;

  /** A plane from its four keys, each checked on its own so a failure names its key. */
  private static Plane plane(Config config, PlaneKind kind) {
    boolean mgmt = kind == PlaneKind.MGMT;
    ConfigKey subnetKey = mgmt ? ConfigKey.NET_MGMT_SUBNET : ConfigKey.NET_K8S_SUBNET;
    return new Plane(
        kind,
        NetConfig.interfaceName(
            config, mgmt ? ConfigKey.NET_MGMT_INTERFACE : ConfigKey.NET_K8S_INTERFACE),
        NetConfig.read(config, subnetKey, text -> Plane.checkSubnet(kind, Cidr.parse(text))),
        NetConfig.port(config, mgmt ? ConfigKey.NET_MGMT_PORT : ConfigKey.NET_K8S_PORT));
  }

  public Plane plane(PlaneKind kind) {
    return kind == PlaneKind.MGMT ? mgmt : k8s;
  }

  public List<Plane> planes() {
    return List.of(mgmt, k8s);
  }

  /** The host's address on the VM network: the bridge's {@code .1}, the endpoint nodes use. */
  public InetAddress hostBridgeAddress() {
    return libvirtNetwork.host(1);
  }

  public InetAddress apiVipAddress() {
    return libvirtNetwork.host(apiVip);
  }

  /**
   * Cilium's MTU: pod traffic is VXLAN, so 50 bytes below the link it rides: the configured
   * WireGuard MTU when that is wg-k8s, else the physical network's.
   */
  public int ciliumMtu(boolean overWireGuard) {
    return (overWireGuard ? wireguardMtu : physicalMtu) - VXLAN_OVERHEAD;
  }

  /** The named ranges of this plan, in a stable order. */
  public Map<String, Cidr> ranges() {
    Map<String, Cidr> out = new LinkedHashMap<>();
    out.put("libvirt network", libvirtNetwork);
    out.put(mgmt.interfaceName(), mgmt.subnet());
    out.put(k8s.interfaceName(), k8s.subnet());
    out.put("pod CIDR", podCidr);
    out.put("service CIDR", serviceCidr);
    return out;
  }

  /**
   * Overlaps between the plan's ranges, and between each range and the host's routes. Routes
   * through our own devices (the planes, the libvirt bridge, Cilium's) are the plan in effect, not
   * a conflict; the default route covers everything and is skipped.
   */
  public List<PlanIssue> check(List<Route> hostRoutes) {
    List<PlanIssue> issues = new ArrayList<>();
    List<Map.Entry<String, Cidr>> ranges = new ArrayList<>(ranges().entrySet());
    for (int i = 0; i < ranges.size(); i++) {
      for (int j = i + 1; j < ranges.size(); j++) {
        Map.Entry<String, Cidr> a = ranges.get(i);
        Map.Entry<String, Cidr> b = ranges.get(j);
        if (a.getValue().overlaps(b.getValue())) {
          issues.add(
              new PlanIssue(
                  a.getKey(),
                  a.getValue().toString(),
                  b.getKey() + " " + b.getValue(),
                  "two ranges of the plan overlap"));
        }
      }
    }
    Set<String> ours = Set.of(mgmt.interfaceName(), k8s.interfaceName(), libvirtBridge);
    for (Route route : hostRoutes) {
      if (route.isDefault() || !route.destination().isIpv4()) {
        continue;
      }
      String device = route.device().orElse("");
      if (ours.contains(device) || device.startsWith("cilium_") || device.startsWith("lxc")) {
        continue;
      }
      for (Map.Entry<String, Cidr> range : ranges) {
        if (range.getValue().overlaps(route.destination())) {
          issues.add(
              new PlanIssue(
                  range.getKey(),
                  range.getValue().toString(),
                  "host route " + route.destination() + (device.isEmpty() ? "" : " dev " + device),
                  "the host already routes part of this range"));
        }
      }
    }
    return issues;
  }
}
