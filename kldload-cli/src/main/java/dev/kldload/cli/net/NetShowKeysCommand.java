package dev.kldload.cli.net;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.node.KeysView;
import dev.kldload.net.node.MeshService;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kube-network show-keys}. */
@Command(
    name = "show-keys",
    header = "Print this node's id and the public key of each plane.",
    description = {
      "Public keys only: private keys are never printed. Each key is labelled with its plane's",
      "interface (net.mgmt.interface, net.k8s.interface)."
    },
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
    MeshService mesh = NetworkContext.mesh(cli, false);
    render(cli, output, mesh.plan(), mesh.keys());
    return ExitCode.OK.code();
  }

  /** Each key is labelled with its plane's configured interface name. */
  static void render(Cli cli, OutputOption output, NetworkPlan plan, KeysView keys) {
    String mgmt = plan.mgmt().interfaceName() + ":";
    String k8s = plan.k8s().interfaceName() + ":";
    int width = Math.max("Node ID:".length(), Math.max(mgmt.length(), k8s.length())) + 2;
    String line = "%-" + width + "s%s%n";
    output
        .renderer()
        .single(
            cli.out(),
            keys,
            k ->
                String.format(Locale.ROOT, line, "Node ID:", k.nodeId())
                    + String.format(Locale.ROOT, line, mgmt, k.mgmtPublicKey())
                    + String.format(Locale.ROOT, line, k8s, k.k8sPublicKey()));
  }
}
