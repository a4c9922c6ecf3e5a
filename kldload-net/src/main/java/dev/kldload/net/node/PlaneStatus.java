package dev.kldload.net.node;

import java.util.List;

/** One plane in {@code status}: the interface, whether it is up, its address, port and peers. */
public record PlaneStatus(
    String plane,
    String interfaceName,
    boolean present,
    boolean up,
    String address,
    int mtu,
    int listenPort,
    String publicKey,
    List<PeerView> peers) {}
