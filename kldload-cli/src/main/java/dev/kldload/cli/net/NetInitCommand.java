package dev.kldload.cli.net;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.node.MeshService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kube-network init ID}. */
@Command(
    name = "init",
    header = "Make this machine mesh node ID: keys, both interfaces, boot files.",
    description = {
      "Generates one key pair per plane (kept if present), creates wg-mgmt and wg-k8s (kernel",
      "WireGuard, else wireguard-go) with address <subnet>.<ID>, MTU and port, adds the peers",
      "already recorded, writes wg-quick files and enables wg-quick@ units. Prints the node id",
      "and public keys. A different id than before needs --force."
    },
    mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  kube-network init 1", "  kube-network init 2 --force --dry-run"})
public final class NetInitCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  @Parameters(index = "0", paramLabel = "ID", description = "Node id, 1-254 (100 is the host).")
  String id;

  @Option(names = "--force", description = "Change the node id of an initialised machine.")
  Boolean force = false;

  NetInitCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    NodeId nodeId = NodeId.parse(id);
    MeshService service = NetworkContext.mesh(cli, mutation.dryRun());
    int code =
        NetworkContext.mutation(cli, NetworkContext.Resource.WIREGUARD, "init")
            .options(mutation)
            .output(output)
            .run(() -> service.init(nodeId, force));
    if (!mutation.dryRun()) {
      NetShowKeysCommand.render(cli, output, service.plan(), service.keys());
    }
    return code;
  }
}
