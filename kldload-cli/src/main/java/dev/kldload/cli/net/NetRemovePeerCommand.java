package dev.kldload.cli.net;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.value.NodeId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code kube-network remove-peer ID}. */
@Command(
    name = "remove-peer",
    header = "Remove one peer kube-network added; other peers stay.",
    description = {
      "Removes the peer from both planes and from the boot files. A peer that is not there is",
      "nothing to do (exit 0). Peers someone else added with 'wg set' are never removed."
    },
    mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  kube-network remove-peer 3"})
public final class NetRemovePeerCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  @Parameters(index = "0", paramLabel = "ID", description = "Peer node id, 1-254.")
  String id;

  NetRemovePeerCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    NodeId nodeId = NodeId.parse(id);
    var service = NetworkContext.mesh(cli, mutation.dryRun());
    return NetworkContext.mutation(cli, NetworkContext.Resource.WIREGUARD, "remove-peer")
        .options(mutation)
        .output(output)
        .run(() -> service.removePeer(nodeId));
  }
}
