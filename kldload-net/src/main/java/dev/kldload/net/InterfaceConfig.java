package dev.kldload.net;

import dev.kldload.core.value.Cidr;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One node's interface on one plane, rendered as {@code wg setconf} input (keys, port, peers) or as
 * a wg-quick file (plus Address and MTU) for bringing the plane back at boot.
 */
public record InterfaceConfig(
    String name,
    WgPrivateKey privateKey,
    int listenPort,
    IfAddress address,
    int mtu,
    List<PeerSpec> peers) {
  public InterfaceConfig {
    peers = List.copyOf(peers);
  }

  /** The format {@code wg setconf} and {@code wg syncconf} read. Contains the private key. */
  public String setconf() {
    return "[Interface]\n"
        + "PrivateKey = "
        + privateKey.base64()
        + "\n"
        + "ListenPort = "
        + listenPort
        + "\n"
        + peerBlocks();
  }

  /** A wg-quick file ({@code /etc/wireguard/<name>.conf}). Contains the private key. */
  public String wgQuick() {
    return "# "
        + name
        + ": written by kube-network; peers we do not manage are not kept here\n"
        + "[Interface]\n"
        + "Address = "
        + address
        + "\n"
        + "MTU = "
        + mtu
        + "\n"
        + "PrivateKey = "
        + privateKey.base64()
        + "\n"
        + "ListenPort = "
        + listenPort
        + "\n"
        + peerBlocks();
  }

  private String peerBlocks() {
    StringBuilder sb = new StringBuilder();
    for (PeerSpec peer : peers) {
      sb.append("\n[Peer]\n");
      sb.append("# node ").append(peer.nodeId()).append('\n');
      sb.append("PublicKey = ").append(peer.publicKey().base64()).append('\n');
      peer.endpoint().ifPresent(e -> sb.append("Endpoint = ").append(e).append('\n'));
      sb.append("AllowedIPs = ")
          .append(peer.allowedIps().stream().map(Cidr::toString).collect(Collectors.joining(", ")))
          .append('\n');
      if (peer.keepalive() > 0) {
        sb.append("PersistentKeepalive = ").append(peer.keepalive()).append('\n');
      }
    }
    return sb.toString();
  }
}
