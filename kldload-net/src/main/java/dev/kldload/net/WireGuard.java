package dev.kldload.net;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Port: WireGuard interfaces on this machine. Every method is idempotent; peers are changed one by
 * one (never replaced wholesale), so peers someone else added survive.
 */
public interface WireGuard {

  /** The interface and its WireGuard state, or empty when there is no such interface. */
  Optional<WgDevice> device(String name);

  /**
   * Creates the interface (kernel WireGuard, else a user-space implementation); no-op if it exists.
   */
  void create(String name);

  /** Sets the private key and listen port. */
  void configure(String name, WgPrivateKey key, int listenPort);

  /** Leaves exactly this IPv4 address on the interface, sets the MTU and brings it up. */
  void setAddress(String name, IfAddress address, int mtu);

  /** Adds or updates {@code upsert} and removes the peers with the keys in {@code remove}. */
  void updatePeers(String name, List<PeerSpec> upsert, Collection<WgKey> remove);

  /** Removes the interface; no-op when it does not exist. */
  void delete(String name);
}
