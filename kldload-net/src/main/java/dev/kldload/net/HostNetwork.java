package dev.kldload.net;

import java.util.List;
import java.util.Optional;

/** Port: read-only view of the host's routes and interface addresses. */
public interface HostNetwork {

  /** The main routing table (IPv4 and IPv6). */
  List<Route> routes();

  /** The device of the IPv4 default route: the LAN interface. */
  default Optional<String> defaultInterface() {
    return routes().stream()
        .filter(r -> r.isDefault() && r.destination().isIpv4())
        .flatMap(r -> r.device().stream())
        .findFirst();
  }

  /** The addresses of an interface; empty when it has none or does not exist. */
  List<IfAddress> addresses(String device);
}
