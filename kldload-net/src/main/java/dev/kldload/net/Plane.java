package dev.kldload.net;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;

/**
 * One WireGuard plane: its interface name, its /24 (or larger) subnet where a node's address is
 * {@code <subnet>.<id>}, and its UDP port.
 */
public record Plane(PlaneKind kind, String interfaceName, Cidr subnet, int port) {
  public Plane {
    InterfaceName.require(interfaceName);
    checkSubnet(kind, subnet);
    if (port < 1 || port > 65535) {
      throw KldloadException.invalid(
          "plane " + kind.id() + " port " + port + " is not a UDP port", "use 1 to 65535");
    }
  }

  /** {@code subnet} when it can hold node ids 1-254 as its last octet. */
  public static Cidr checkSubnet(PlaneKind kind, Cidr subnet) {
    if (!subnet.isIpv4() || subnet.prefixLength() > 24) {
      throw KldloadException.invalid(
          "plane " + kind.id() + " subnet " + subnet + " cannot hold node ids 1-254",
          "use an IPv4 network of /24 or larger");
    }
    return subnet;
  }

  /** The node's address on this plane, with the plane's prefix length. */
  public IfAddress address(NodeId id) {
    return new IfAddress(subnet.host(id.value()), subnet.prefixLength());
  }

  /** The single-address network a peer is routed by ({@code 10.250.0.7/32}). */
  public Cidr peerRoute(NodeId id) {
    return Cidr.parse(subnet.host(id.value()).getHostAddress() + "/32");
  }
}
