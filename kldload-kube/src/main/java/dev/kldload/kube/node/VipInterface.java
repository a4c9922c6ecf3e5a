package dev.kldload.kube.node;

import dev.kldload.core.KldloadException;
import dev.kldload.net.HostNetwork;
import java.net.InetAddress;

/** The interface kube-vip announces the VIP on: the one whose network holds the VIP. */
final class VipInterface {
  private VipInterface() {}

  static String of(HostNetwork host, InetAddress vip) {
    return host.routes().stream()
        .flatMap(r -> r.device().stream())
        .distinct()
        .filter(d -> host.addresses(d).stream().anyMatch(a -> a.network().contains(vip)))
        .findFirst()
        .orElseThrow(
            () ->
                KldloadException.precondition(
                    "no interface on this node is on the network of the VIP "
                        + vip.getHostAddress(),
                    "give --vip-interface IFACE"));
  }
}
