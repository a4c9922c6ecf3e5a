package dev.kldload.cli.net;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.net.node.KeysView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kube-network show-keys}. */
@Command(
    name = "show-keys",
    header = "Print this node's id and the public key of each plane.",
    description = {"Public keys only: private keys are never printed."},
    mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  kube-network show-keys", "  kube-network show-keys -o json"})
public final class NetShowKeysCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin OutputOption output;

  NetShowKeysCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    render(cli, output, NetworkContext.mesh(cli, false).keys());
    return ExitCode.OK.code();
  }

  static void render(Cli cli, OutputOption output, KeysView keys) {
    output
        .renderer()
        .single(
            cli.out(),
            keys,
            k ->
                "Node ID:  "
                    + k.nodeId()
                    + "\nwg-mgmt:  "
                    + k.mgmtPublicKey()
                    + "\nwg-k8s:   "
                    + k.k8sPublicKey()
                    + "\n");
  }
}
