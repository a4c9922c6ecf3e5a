package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.NetworkPlan;
import java.net.InetAddress;

/**
 * The LAN address of each cluster node on the libvirt network, chosen from its mesh id alone so
 * every node's WireGuard endpoints are known when its seed is written (a full mesh at first boot,
 * no SSH round trips). Nodes take host numbers from {@value #FIRST} upwards in id order, the host's
 * id left out, skipping the host's {@code .1}, the MetalLB range and the API VIP: with the defaults
 * ids 1-99 get .10-.108 and ids 101-191 get .109-.199. A static {@code ip-dhcp-host} reservation
 * per node makes libvirt's DHCP hand out exactly this address.
 */
public final class LanAddresses {
  /** .2-.9 stay free for whatever the operator puts on the network by hand. */
  static final int FIRST = 10;

  private LanAddresses() {}

  /** The address of node {@code name} with mesh id {@code id}; exit 2 when the network is full. */
  public static InetAddress of(NetworkPlan plan, String name, NodeId id) {
    Cidr network = plan.libvirtNetwork();
    if (!network.isIpv4() || network.prefixLength() > 24) {
      throw KldloadException.invalid(
          "libvirt network " + network + " cannot hold the cluster's nodes",
          "set net.libvirt-network to an IPv4 network of /24 or larger");
    }
    if (id.equals(plan.hostId())) {
      throw new IllegalArgumentException("the host's id is not a cluster node's");
    }
    int position = id.value() < plan.hostId().value() ? id.value() - 1 : id.value() - 2;
    long last = (1L << (32 - network.prefixLength())) - 2;
    int seen = 0;
    for (long n = FIRST; n <= last; n++) {
      if (reserved(plan, n)) {
        continue;
      }
      if (seen++ == position) {
        return network.host(n);
      }
    }
    throw KldloadException.invalid(
        "node "
            + name
            + " (id "
            + id
            + ") has no LAN address: libvirt network "
            + network
            + " holds "
            + seen
            + " node addresses from ."
            + FIRST
            + " outside the host's .1, MetalLB ."
            + plan.metallbFirst()
            + "-."
            + plan.metallbLast()
            + " and the API VIP ."
            + plan.apiVip(),
        "use fewer nodes, or a larger net.libvirt-network");
  }

  private static boolean reserved(NetworkPlan plan, long n) {
    return n == 1 || (n >= plan.metallbFirst() && n <= plan.metallbLast()) || n == plan.apiVip();
  }
}
