package dev.kldload.cli.net;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.Endpoint;
import dev.kldload.net.MeshNode;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgKey;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kube-network add-peer ENDPOINT ID}. */
@Command(
    name = "add-peer",
    header = "Add or update one peer (by id) on one or both planes.",
    description = {
      "ENDPOINT is the peer's own address without a port (the plane's port is added); the host's",
      "is its bridge address. A DNS name is resolved on every run and the interface follows it;",
      "the wg-quick files keep the name. A peer is keyed by its id: adding it again updates it,",
      "never duplicates it. Give the peer's public key per plane (from 'kube-network show-keys'",
      "there); a plane whose key is not given keeps the key recorded for it. This node's own",
      "keys are refused."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Example:",
      "  kube-network add-peer 192.168.122.12 2 --mgmt-key KEY1 --k8s-key KEY2",
      "  kube-network add-peer 192.168.122.1 100 --mgmt-key KEY --nat"
    })
public final class NetAddPeerCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  @Parameters(index = "0", paramLabel = "ENDPOINT", description = "Peer address or DNS name.")
  String endpoint;

  @Parameters(index = "1", paramLabel = "ID", description = "Peer node id, 1-254.")
  String id;

  @Option(names = "--mgmt-key", paramLabel = "KEY", description = "Peer's wg-mgmt public key.")
  String mgmtKey;

  @Option(names = "--k8s-key", paramLabel = "KEY", description = "Peer's wg-k8s public key.")
  String k8sKey;

  @Option(
      names = "--nat",
      description = "The peer is behind NAT: keep the tunnel open (PersistentKeepalive 25).")
  Boolean nat = false;

  NetAddPeerCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    Map<PlaneKind, WgKey> keys = new EnumMap<>(PlaneKind.class);
    if (mgmtKey != null) {
      keys.put(PlaneKind.MGMT, WgKey.parse(mgmtKey));
    }
    if (k8sKey != null) {
      keys.put(PlaneKind.K8S, WgKey.parse(k8sKey));
    }
    MeshNode peer = new MeshNode(NodeId.parse(id), Endpoint.parse(endpoint), nat, keys);
    var service = NetworkContext.mesh(cli, mutation.dryRun());
    return NetworkContext.mutation(cli, NetworkContext.Resource.WIREGUARD, "add-peer")
        .options(mutation)
        .output(output)
        .run(() -> service.addPeer(peer));
  }
}
