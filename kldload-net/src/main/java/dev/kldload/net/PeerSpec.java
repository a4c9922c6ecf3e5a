package dev.kldload.net;

import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * A peer as we want it configured on one plane.
 *
 * @param endpoint {@code host:port}, or empty when the peer calls us
 * @param keepalive seconds between keepalives, 0 for off
 */
public record PeerSpec(
    NodeId nodeId,
    WgKey publicKey,
    Optional<String> endpoint,
    List<Cidr> allowedIps,
    int keepalive) {
  public PeerSpec {
    allowedIps = List.copyOf(allowedIps);
  }

  /**
   * Whether the running peer already matches. An endpoint given as a DNS name cannot be compared
   * (wg stores the resolved address), and a peer behind NAT roams, so only literal endpoints of
   * peers without keepalive are compared.
   */
  public boolean matches(WgPeerState state, boolean compareEndpoint) {
    if (!state.publicKey().equals(publicKey)
        || state.keepalive() != keepalive
        || !new HashSet<>(state.allowedIps()).equals(new HashSet<>(allowedIps))) {
      return false;
    }
    return !compareEndpoint || state.endpoint().equals(endpoint);
  }
}
