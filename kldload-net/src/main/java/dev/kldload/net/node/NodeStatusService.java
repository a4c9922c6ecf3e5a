package dev.kldload.net.node;

import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.HostNetwork;
import dev.kldload.net.IfAddress;
import dev.kldload.net.MeshNode;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.PlanIssue;
import dev.kldload.net.Plane;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPeerState;
import dev.kldload.net.WireGuard;
import java.net.Inet4Address;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The read side of {@code kube-network}: both planes as they run, and the address plan check. */
public final class NodeStatusService {
  /**
   * A peer without a handshake for this long is flagged in status (WireGuard rekeys every 120 s).
   */
  public static final Duration STALE_AFTER = Duration.ofSeconds(180);

  private final NetworkPlan plan;
  private final NodeStore store;
  private final WireGuard wireGuard;
  private final HostNetwork host;
  private final Clock clock;

  public NodeStatusService(
      NetworkPlan plan, NodeStore store, WireGuard wireGuard, HostNetwork host, Clock clock) {
    this.plan = plan;
    this.store = store;
    this.wireGuard = wireGuard;
    this.host = host;
    this.clock = clock;
  }

  public StatusView status() {
    Optional<NodeStore.NodeRecord> node = store.node();
    Map<WgKey, NodeId> known = new HashMap<>();
    for (MeshNode peer : store.peers().nodes()) {
      peer.keys().values().forEach(k -> known.put(k, peer.id()));
    }
    Instant now = clock.instant();
    List<PlaneStatus> planes = new ArrayList<>();
    for (Plane plane : plan.planes()) {
      Set<WgKey> owned = store.owned(plane.kind());
      Optional<WgDevice> device = wireGuard.device(plane.interfaceName());
      List<PeerView> peers = new ArrayList<>();
      for (WgPeerState peer : device.map(WgDevice::peers).orElse(List.of())) {
        Long age =
            peer.latestHandshake()
                .map(t -> Math.max(0, Duration.between(t, now).toSeconds()))
                .orElse(null);
        peers.add(
            new PeerView(
                owned.contains(peer.publicKey())
                    ? Optional.ofNullable(known.get(peer.publicKey()))
                        .map(NodeId::value)
                        .orElse(null)
                    : null,
                owned.contains(peer.publicKey()),
                peer.publicKey().base64(),
                peer.endpoint().orElse(null),
                peer.allowedIps().stream().map(Cidr::toString).collect(Collectors.joining(",")),
                peer.latestHandshake().orElse(null),
                age,
                peer.rxBytes(),
                peer.txBytes(),
                age == null || age > STALE_AFTER.toSeconds()));
      }
      planes.add(
          new PlaneStatus(
              plane.kind().id(),
              plane.interfaceName(),
              device.isPresent(),
              device.map(WgDevice::up).orElse(false),
              device
                  .flatMap(
                      d ->
                          d.addresses().stream()
                              .filter(a -> a.address() instanceof Inet4Address)
                              .findFirst())
                  .map(IfAddress::toString)
                  .orElse(null),
              device.map(WgDevice::mtu).orElse(0),
              device.map(WgDevice::listenPort).orElse(0),
              device.flatMap(WgDevice::publicKey).map(WgKey::base64).orElse(null),
              peers));
    }
    return new StatusView(node.map(n -> n.id().value()).orElse(null), planes);
  }

  /** Overlaps of the plan's ranges with each other and with the host's routes. */
  public List<PlanIssue> check() {
    return plan.check(host.routes());
  }
}
