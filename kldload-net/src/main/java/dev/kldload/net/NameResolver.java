package dev.kldload.net;

import java.net.InetAddress;
import java.util.List;

/**
 * Resolves a peer's endpoint name. wg keeps the address a name resolved to, not the name, so the
 * mesh resolves names itself to compare them with the running interface.
 */
public interface NameResolver {
  /**
   * The addresses {@code host} resolves to, in the resolver's order; an IP literal resolves to
   * itself; empty when the name does not resolve.
   */
  List<InetAddress> resolve(String host);
}
