package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.Endpoint;
import dev.kldload.net.MeshNode;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPrivateKey;
import dev.kldload.net.node.NodeStore;
import java.util.EnumMap;
import java.util.Map;

/**
 * The hypervisor host as its cluster nodes' peer: node {@code net.host-id} on both planes, reached
 * at the libvirt bridge's address, with the public halves of the host's own mesh keys. Those keys
 * are the ones {@code kube-network} on the host uses (its {@link NodeStore}), so the host's planes
 * and the nodes' seeds agree whichever runs first.
 */
public record HostPeer(NodeId id, Endpoint endpoint, Map<PlaneKind, WgKey> keys) {
  public HostPeer {
    keys = Map.copyOf(new EnumMap<>(keys));
  }

  /**
   * The host's peer entry from its {@link NodeStore}, creating a plane's key there when it has none
   * yet (as {@code kube-network init} would; it keeps keys it finds). A host recorded as another
   * node id is a conflict: the nodes would be told a peer that is not there.
   */
  public static HostPeer fromNodeStore(NetworkPlan plan, NodeStore store) {
    store
        .node()
        .filter(n -> !n.id().equals(plan.hostId()))
        .ifPresent(
            n -> {
              throw KldloadException.conflict(
                  "this host is mesh node "
                      + n.id()
                      + ", and the plan's host id is "
                      + plan.hostId(),
                  "set net.host-id to "
                      + n.id()
                      + ", or run 'kube-network init "
                      + plan.hostId()
                      + " --force'");
            });
    Map<PlaneKind, WgKey> keys = new EnumMap<>(PlaneKind.class);
    for (PlaneKind kind : PlaneKind.values()) {
      WgPrivateKey key = store.key(kind).orElseGet(() -> store.createKey(kind));
      keys.put(kind, key.publicKey());
    }
    return new HostPeer(
        plan.hostId(), Endpoint.parse(plan.hostBridgeAddress().getHostAddress()), keys);
  }

  /**
   * The host as a mesh node that keeps its tunnels alive (the "nat" flag: keepalive 25 s on both
   * sides of every host–node pair). WireGuard shakes hands only when there is traffic; with
   * keepalive the host has a fresh handshake with every node at any time, so bootstrap can prove
   * each tunnel and status never reads a quiet, healthy node as stale.
   */
  public MeshNode meshNode() {
    return new MeshNode(id, endpoint, true, keys);
  }
}
