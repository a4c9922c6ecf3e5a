package dev.kldload.net;

import dev.kldload.core.value.Cidr;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A peer as the running interface reports it ({@code wg show IF dump}). */
public record WgPeerState(
    WgKey publicKey,
    Optional<String> endpoint,
    List<Cidr> allowedIps,
    int keepalive,
    Optional<Instant> latestHandshake,
    long rxBytes,
    long txBytes) {
  public WgPeerState {
    allowedIps = List.copyOf(allowedIps);
  }
}
