package dev.kldload.cli.kube.cluster;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kube-cluster}: a cluster of ZFS-cloned VMs on this host, from one command. */
@Command(
    name = "kube-cluster",
    header =
        "Kubernetes on ZFS-cloned VMs: golden, bootstrap, status, start, stop, scale, vip-float,"
            + " destroy.",
    description = {
      "A cluster is recorded in <state-dir>/clusters/<name>/cluster.json (0600) with every node's",
      "name, id, MAC, LAN address, WireGuard and SSH host public keys; private keys beside it in",
      "keys/ (0600). Each node is cloned from the golden VM (config kube.golden) and gets a seed",
      "with its identity, the full WireGuard mesh of both planes (the host is node 100) and its",
      "nftables table, so the mesh is up at first boot. Every verb is a plan of steps that look",
      "at the world first: re-running a verb after a failure or Ctrl-C resumes it. The cluster",
      "name is --name, else CLUSTER_NAME, else 'kldload'; KUBE_CLUSTER_YES=1 is --yes."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      ClusterBootstrapCommand.class,
      ClusterGoldenCommand.class,
      ClusterStatusCommand.class,
      ClusterStartCommand.class,
      ClusterStopCommand.class,
      ClusterScaleCommand.class,
      ClusterMeshRepairCommand.class,
      ClusterVipFloatCommand.class,
      ClusterDestroyCommand.class
    },
    footer = {
      "",
      "Example:",
      "  kube-cluster bootstrap --workers 5 --until mesh",
      "  kube-cluster bootstrap --workers 2 --dry-run --plan-dir /tmp/plan"
    })
public final class KubeClusterCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing verb");
  }
}
