package dev.kldload.net;

import dev.kldload.core.value.NodeId;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * One node of the desired mesh: its id, the address peers reach it at, whether it sits behind NAT,
 * and its public key on each plane (a node may be on one plane only).
 */
public record MeshNode(NodeId id, Endpoint endpoint, boolean nat, Map<PlaneKind, WgKey> keys) {
  public MeshNode {
    keys = keys.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(keys));
  }

  public Optional<WgKey> key(PlaneKind plane) {
    return Optional.ofNullable(keys.get(plane));
  }
}
