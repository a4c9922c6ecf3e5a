package dev.kldload.cli.kube;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.DatasetName;
import dev.kldload.kube.node.KubeSetup;
import dev.kldload.kube.node.NodeSystem;
import dev.kldload.kube.node.StackLock;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kube-setup}: make this machine a Kubernetes node from the offline bundle. */
@Command(
    name = "kube-setup",
    header = "Make this machine a Kubernetes node from the offline bundle.",
    description = {
      "Loads the kernel modules and sysctls Kubernetes needs, turns swap off for good, creates ZFS",
      "datasets for etcd (recordsize 8K), containerd and the kubelet (lz4, atime off) when / is on",
      "ZFS or --zfs-parent is given, writes the containerd (SystemdCgroup) and crictl configuration,",
      "then installs the packages and tools pinned in the stack lock from the offline bundle, each",
      "verified against its SHA-256. Nothing is downloaded: without the bundle it stops with exit 6.",
      "Every step checks the machine first; a second run changes nothing.",
      "With --image it sets up an image that boots later (a golden's chroot): the module and",
      "sysctl files are written, not applied; kubelet and containerd are enabled, not started;",
      "no datasets; the lock, charts, manifests and k8s-images/ are copied to kube.bundle."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Example:",
      "  kube-setup --dry-run",
      "  kube-setup --bundle /root/darksite --node-ip 10.251.0.2"
    })
public final class KubeSetupCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;

  @Mixin OutputOption output;

  @Option(
      names = "--bundle",
      paramLabel = "DIR",
      description =
          "Offline bundle (darksite) directory (default: config kube.bundle, /root/darksite).")
  Path bundle;

  @Option(
      names = "--lock",
      paramLabel = "FILE",
      description = "Stack lock (default: BUNDLE/k8s-stack.lock.yaml).")
  Path lock;

  @Option(
      names = "--node-ip",
      paramLabel = "IP",
      description = "Address the kubelet registers with (normally the node's wg-k8s address).")
  String nodeIp;

  @Option(
      names = "--zfs-parent",
      paramLabel = "DATASET",
      description =
          "Create the datasets under DATASET/var/lib (default: the root pool when / is on ZFS).")
  String zfsParent;

  @Option(
      names = "--pause-image",
      paramLabel = "IMAGE",
      description = "Sandbox image containerd uses (default: ${DEFAULT-VALUE}).")
  String pauseImage = "registry.k8s.io/pause:3.10";

  @Option(
      names = "--image",
      description =
          "Set up an image (a chroot that boots later), not this running machine; the bundle's"
              + " node files go to kube.bundle in it.")
  Boolean image = false;

  KubeSetupCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    Path bundleDir = bundle != null ? bundle : Path.of(cli.config().require(ConfigKey.KUBE_BUNDLE));
    KubeSetup.Request request =
        new KubeSetup.Request(
            lock != null ? lock : StackLock.inBundle(bundleDir),
            bundleDir,
            Optional.ofNullable(nodeIp).map(Cidr::parseAddress),
            Optional.ofNullable(zfsParent).map(DatasetName::of),
            pauseImage,
            image
                ? Optional.of(Path.of(cli.config().require(ConfigKey.KUBE_BUNDLE)))
                : Optional.empty());
    boolean dryRun = mutation.dryRun();
    NodeTools.requireRoot(cli, "kube-setup", dryRun);
    NodeSystem sys = NodeTools.system(cli, dryRun);
    KubeSetup setup = new KubeSetup(sys, () -> cli.engines().zfs(dryRun), cli.clock().instant());
    return NodeTools.mutation(cli, setup.locks(request), "kube-setup")
        .options(mutation)
        .output(output)
        .afterDryRun(
            () -> {
              NodeTools.printRendered(cli, sys);
              // after the listing, so the operator sees the plan and why a real run would stop
              setup.checkPreconditions(request);
            })
        .run(() -> setup.plan(request));
  }
}
