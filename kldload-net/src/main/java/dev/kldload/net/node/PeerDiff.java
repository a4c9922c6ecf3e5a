package dev.kldload.net.node;

import dev.kldload.net.PeerSpec;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPeerState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a reconcile must change on one interface: peers to add or update, and peers to remove — only
 * those recorded as ours and no longer wanted. Peers someone else added are never touched.
 */
public record PeerDiff(List<PeerSpec> upsert, Set<WgKey> remove) {

  public static PeerDiff between(
      List<PeerSpec> desired, Optional<WgDevice> device, Set<WgKey> owned) {
    List<PeerSpec> upsert = new ArrayList<>();
    Set<WgKey> wanted = new LinkedHashSet<>();
    for (PeerSpec peer : desired) {
      wanted.add(peer.publicKey());
      Optional<WgPeerState> running = device.flatMap(d -> d.peer(peer.publicKey()));
      if (running.isEmpty() || !peer.matches(running.get(), comparableEndpoint(peer))) {
        upsert.add(peer);
      }
    }
    Set<WgKey> remove = new LinkedHashSet<>();
    device.ifPresent(
        d ->
            d.peers().stream()
                .map(WgPeerState::publicKey)
                .filter(owned::contains)
                .filter(k -> !wanted.contains(k))
                .forEach(remove::add));
    return new PeerDiff(List.copyOf(upsert), Set.copyOf(remove));
  }

  /**
   * wg reports the endpoint it last heard from: a DNS name shows as its address, and a peer behind
   * NAT (keepalive on) roams. Only literal IPv4 endpoints of peers without keepalive are stable.
   */
  private static boolean comparableEndpoint(PeerSpec peer) {
    return peer.keepalive() == 0
        && peer.endpoint().map(e -> e.matches("\\d{1,3}(\\.\\d{1,3}){3}:\\d+")).orElse(false);
  }

  public boolean empty() {
    return upsert.isEmpty() && remove.isEmpty();
  }
}
