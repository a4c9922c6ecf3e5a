package dev.kldload.cli.kube;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.kube.node.KubeReset;
import dev.kldload.kube.node.NodeSystem;
import dev.kldload.net.node.NodeSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kube-reset}: take this node out of its cluster and remove the cluster state. */
@Command(
    name = "kube-reset",
    header = "Remove Kubernetes cluster state from this node (snapshot first).",
    description = {
      "Takes a recursive ZFS snapshot of the root pool (@pre-kube-reset-<UTC>) when / is on ZFS,",
      "runs kubeadm reset -f, removes /etc/kubernetes state, kubeconfigs and CNI configuration and",
      "empties /var/lib/kubelet and /var/lib/etcd. Of the firewall only kldload's own nftables table",
      "(inet kldload) is removed; iptables and other tables are never flushed. Packages stay.",
      "Asks for confirmation on a terminal; without one, --yes is required."
    },
    mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  kube-reset --dry-run", "  kube-reset --yes"})
public final class KubeResetCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;

  @Mixin OutputOption output;

  KubeResetCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    boolean dryRun = mutation.dryRun();
    NodeTools.requireRoot(cli, "kube-reset", dryRun);
    NodeSystem sys = NodeTools.system(cli, dryRun);
    KubeReset reset =
        new KubeReset(
            sys, () -> cli.engines().zfs(dryRun), NodeSettings.fromConfig(cli.config()).nftFile());
    return NodeTools.mutation(cli, reset.locks(), "kube-reset")
        .options(mutation)
        .output(output)
        .confirm("Reset Kubernetes on this node? Cluster state will be removed.")
        .run(() -> reset.plan(cli.clock().instant()));
  }
}
