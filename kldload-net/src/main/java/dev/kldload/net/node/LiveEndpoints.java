package dev.kldload.net.node;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.net.Endpoint;
import dev.kldload.net.Mesh;
import dev.kldload.net.MeshNode;
import dev.kldload.net.NameResolver;
import dev.kldload.net.Plane;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgPeerState;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The endpoints to give a running interface. wg keeps an address, never a name, so a peer named by
 * DNS is resolved here, and the result compares with what wg reports: the address the peer already
 * has is kept while the name still resolves to it (round-robin DNS does not cause churn), else the
 * first IPv4 address, else the first address.
 */
final class LiveEndpoints {
  private LiveEndpoints() {}

  /**
   * {@code peers} with every endpoint name on {@code plane} replaced by an address; {@code notes}
   * hears which address each name gave. A name that does not resolve fails (exit 7), naming it.
   */
  static Mesh resolve(
      Mesh peers,
      Plane plane,
      Optional<WgDevice> device,
      NameResolver resolver,
      Consumer<String> notes) {
    List<MeshNode> out = new ArrayList<>();
    for (MeshNode node : peers.nodes()) {
      if (node.endpoint().literal() || node.key(plane.kind()).isEmpty()) {
        out.add(node);
        continue;
      }
      String name = node.endpoint().host();
      List<InetAddress> addresses =
          resolver.resolve(name).stream().map(LiveEndpoints::plain).toList();
      if (addresses.isEmpty()) {
        throw new KldloadException(
            ErrorKind.UNAVAILABLE,
            "peer " + node.id() + "'s endpoint " + name + " does not resolve",
            "check the name (getent hosts " + name + "), or give the peer's address");
      }
      Optional<InetAddress> current =
          device
              .flatMap(d -> d.peer(node.key(plane.kind()).orElseThrow()))
              .flatMap(WgPeerState::endpoint)
              .flatMap(LiveEndpoints::host)
              .filter(addresses::contains);
      InetAddress chosen =
          current
              .or(() -> addresses.stream().filter(a -> a instanceof Inet4Address).findFirst())
              .orElse(addresses.get(0));
      notes.accept(
          plane.interfaceName()
              + ": node "
              + node.id()
              + " endpoint "
              + name
              + " resolves to "
              + chosen.getHostAddress()
              + (current.isPresent() ? " (as configured)" : ""));
      out.add(
          new MeshNode(node.id(), new Endpoint(chosen.getHostAddress()), node.nat(), node.keys()));
    }
    return new Mesh(out);
  }

  /** wg's {@code host:port} or {@code [v6]:port}, as an address. */
  private static Optional<InetAddress> host(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String host = endpoint.substring(0, colon).replace("[", "").replace("]", "");
    try {
      return Optional.of(plain(InetAddress.getByName(host)));
    } catch (UnknownHostException | SecurityException e) {
      return Optional.empty();
    }
  }

  /** Without host name or IPv6 scope, so addresses compare by value and print as literals. */
  private static InetAddress plain(InetAddress address) {
    try {
      return InetAddress.getByAddress(address.getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of 4 or 16 bytes is always valid", e);
    }
  }
}
