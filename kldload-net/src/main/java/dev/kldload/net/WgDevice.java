package dev.kldload.net;

import java.util.List;
import java.util.Optional;

/** A WireGuard interface as it runs: link state, addresses, its key and port, its peers. */
public record WgDevice(
    String name,
    boolean up,
    int mtu,
    List<IfAddress> addresses,
    Optional<WgKey> publicKey,
    int listenPort,
    List<WgPeerState> peers) {
  public WgDevice {
    addresses = List.copyOf(addresses);
    peers = List.copyOf(peers);
  }

  public Optional<WgPeerState> peer(WgKey key) {
    return peers.stream().filter(p -> p.publicKey().equals(key)).findFirst();
  }
}
