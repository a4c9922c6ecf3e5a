package dev.kldload.kube.orchestrator;

import dev.kldload.kvm.seed.NoCloudSeed;
import dev.kldload.kvm.seed.SeedRequest;
import dev.kldload.net.InterfaceConfig;
import dev.kldload.net.PlaneKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * One cluster node's complete first-boot seed ({@link #request}, what {@link NoCloudSeed} writes)
 * and the artifacts it carries, kept apart so a plan directory can show them on their own: the
 * node's interface on each plane and its nftables ruleset. The planes and the request hold the
 * node's private keys: write them only with {@code PrivateFiles}.
 */
public record NodeSeed(
    NodeRecord node, SeedRequest request, Map<PlaneKind, InterfaceConfig> planes, String ruleset) {
  public NodeSeed {
    planes = Map.copyOf(new EnumMap<>(planes));
  }

  public InterfaceConfig plane(PlaneKind kind) {
    return planes.get(kind);
  }

  public String metaData() {
    return NoCloudSeed.metaData(request);
  }

  public String userData() {
    return NoCloudSeed.userData(request);
  }

  public Optional<String> networkConfig() {
    return NoCloudSeed.networkConfig(request);
  }

  @Override
  public String toString() {
    return "NodeSeed[" + node.name() + ", private keys hidden]";
  }
}
