package dev.kldload.net.node;

/** {@code show-keys}: the node id and each plane's public key. Never a private key. */
public record KeysView(int nodeId, String mgmtPublicKey, String k8sPublicKey) {}
