package dev.kldload.cli.net;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kube-network pin-kubelet}. */
@Command(
    name = "pin-kubelet",
    header = "Make the kubelet use this node's wg-k8s address (--node-ip).",
    description = {
      "Sets --node-ip=<wg-k8s IPv4> in KUBELET_EXTRA_ARGS of /etc/default/kubelet (other",
      "arguments and lines are kept) and restarts the kubelet when it runs and the file changed."
    },
    mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  kube-network pin-kubelet"})
public final class NetPinKubeletCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  NetPinKubeletCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    var service = NetworkContext.kubelet(cli, mutation.dryRun());
    return NetworkContext.mutation(cli, NetworkContext.Resource.KUBE_NODE, "pin-kubelet")
        .options(mutation)
        .output(output)
        .run(() -> service.pinKubelet());
  }
}
