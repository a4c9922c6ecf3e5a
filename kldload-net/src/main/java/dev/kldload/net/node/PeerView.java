package dev.kldload.net.node;

import java.time.Instant;

/**
 * One peer in {@code status}.
 *
 * @param nodeId the peer's node id when it is one of ours, null for a peer someone else added
 * @param handshakeAgeSeconds null when no handshake happened yet
 * @param stale no handshake within the last 180 seconds
 */
public record PeerView(
    Integer nodeId,
    boolean managed,
    String publicKey,
    String endpoint,
    String allowedIps,
    Instant latestHandshake,
    Long handshakeAgeSeconds,
    long rxBytes,
    long txBytes,
    boolean stale) {}
