package dev.kldload.cli.kube;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.HostName;
import dev.kldload.core.value.NodeId;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.node.KubeInit;
import dev.kldload.kube.node.NodeSystem;
import dev.kldload.kube.node.StackLockFile;
import dev.kldload.net.NetworkPlan;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kube-init}: set up the first control plane on this node. */
@Command(
    name = "kube-init",
    header = "Set up the first control plane: kubeadm, Cilium, MetalLB, ZFS storage, metrics.",
    description = {
      "Renders the kubeadm configuration (no kube-proxy; pod and service networks from the net.*",
      "address plan; API certificate for both WireGuard addresses, the node address and the VIP),",
      "Cilium values (kube-proxy replacement, MTU net.wireguard-mtu - 50 for VXLAN, Hubble relay and",
      "UI, Gateway API), the MetalLB",
      "pool, ZFS LocalPV StorageClasses zfs (128k) and zfs-db (8k) and metrics-server values into",
      "/etc/kldload/kube-init/ - shown by --dry-run - then installs them with the node's kubeadm,",
      "helm and kubectl from the offline bundle (checksums verified) and writes the join command",
      "to /etc/kldload/join-command (0600); with --vip also the certificate key for control-plane",
      "joins to /etc/kldload/certificate-key (0600). Optional, each failure only exit 3: the",
      "Prometheus kubelet-scrape account and its token in /var/lib/kldload/kubelet-token (0600),",
      "and Tetragon when the lock pins its chart. A run that failed after kubeadm init resumes",
      "where it stopped; a control plane kube-init did not set up is refused."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Example:",
      "  kube-init --dry-run",
      "  kube-init --node-ip 192.168.122.10 --vip 192.168.122.240"
    })
public final class KubeInitCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;

  @Mixin OutputOption output;

  @Option(
      names = "--node-ip",
      paramLabel = "IP",
      description =
          "This node's address on the host network (default: its address on the libvirt network,"
              + " else the default route's).")
  String nodeIp;

  @Option(
      names = "--id",
      paramLabel = "N",
      description =
          "Node id in the address plan (default: the one this node's wg-k8s address names;"
              + " without WireGuard the LAN address is used).")
  Integer id;

  @Option(
      names = "--node-name",
      paramLabel = "NAME",
      description = "Kubernetes node name (default: /etc/hostname).")
  String nodeName;

  @Option(
      names = "--cluster-name",
      paramLabel = "NAME",
      description = "Cluster name (default: ${DEFAULT-VALUE}).")
  String clusterName = "kldload";

  @Option(
      names = "--vip",
      paramLabel = "IP",
      description =
          "API virtual address for HA: the control-plane endpoint, held by a kube-vip static pod"
              + " (ARP) rendered into /etc/kubernetes/manifests before kubeadm init.")
  String vip;

  @Mixin KubeVipOptions kubeVip;

  @Option(
      names = "--bundle",
      paramLabel = "DIR",
      description = "Offline bundle (default: config kube.bundle).")
  Path bundle;

  @Option(
      names = "--lock",
      paramLabel = "FILE",
      description =
          "Stack lock: YAML, or the original KEY=VALUE k8s-stack.lock, whose charts and manifests"
              + " are then used unverified from BUNDLE, with a warning each (default:"
              + " BUNDLE/k8s-stack.lock.yaml, else BUNDLE/k8s-stack.lock).")
  Path lock;

  KubeInitCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    boolean dryRun = mutation.dryRun();
    NodeSystem sys = NodeTools.system(cli, dryRun);
    Path bundleDir = bundle != null ? bundle : Path.of(cli.config().require(ConfigKey.KUBE_BUNDLE));
    KubeInit.Request request =
        new KubeInit.Request(
            Optional.ofNullable(nodeName).map(HostName::of),
            ClusterName.of(clusterName).value(),
            NetworkPlan.fromConfig(cli.config()),
            Optional.ofNullable(id).map(NodeId::of),
            Optional.ofNullable(nodeIp).map(Cidr::parseAddress),
            Optional.ofNullable(vip).map(Cidr::parseAddress),
            lock != null ? lock : StackLockFile.inBundle(bundleDir),
            bundleDir,
            cli.config().require(ConfigKey.NET_WIREGUARD_DIR),
            kubeVip.vipInterface(),
            kubeVip.kubeVipImage());
    NodeTools.requireRoot(cli, "kube-init", dryRun);
    Supplier<Cluster> cluster =
        memo(
            () ->
                cli.engines().cluster(sys.path("/etc/kubernetes/admin.conf"), cli.cancellation()));
    KubeInit init =
        new KubeInit(
            sys,
            () -> cli.engines().zfs(dryRun),
            cluster,
            () -> cli.engines().hostNetwork(dryRun),
            cli.clock().instant(),
            w -> cli.warn("warning: kube-init: " + w));
    return NodeTools.mutation(cli, init.locks(), "kube-init")
        .options(mutation)
        .output(output)
        .afterDryRun(() -> NodeTools.printRendered(cli, sys))
        .run(() -> init.plan(request));
  }

  /** Opens the cluster on first use only (after kubeadm init wrote admin.conf), then reuses it. */
  private static <T> Supplier<T> memo(Supplier<T> supplier) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = supplier.get();
        }
        return value;
      }
    };
  }
}
