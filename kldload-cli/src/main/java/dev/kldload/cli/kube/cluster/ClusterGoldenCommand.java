package dev.kldload.cli.kube.cluster;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.kube.golden.GoldenBuilder;
import dev.kldload.kube.golden.GoldenRequest;
import dev.kldload.kube.orchestrator.GoldenStack;
import dev.kldload.kube.orchestrator.Sizes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kube-cluster golden}. */
@Command(
    name = "golden",
    header = "Build the golden VM the nodes are cloned from, from Debian packages.",
    description = {
      "Debootstraps Debian 12 from this host's own apt sources (or kube.golden-mirror) with the",
      "kernel, cloud-init, openssh-server, wireguard-tools, nftables and a Java runtime, sealed",
      "in the chroot (empty machine-id, no SSH host keys, cloud-init never run, NoCloud only,",
      "root without a password, key login only), so it never needs to boot. The root file",
      "system is cached by recipe in kube.golden-cache. Its disk (a sparse zvol marked as ours,",
      "or a qcow2 file) gets the snapshot @golden; the domain boots the kernel directly. A",
      "golden that exists is kept; --rebuild replaces it, and is refused while clones depend",
      "on it. The domain type is kvm where a probe guest runs under it, else qemu.",
      "When the offline bundle (kube.bundle) has a stack lock, the golden gets Kubernetes once,",
      "offline, in the chroot: the suite's node tools in /opt/kldload and kube-setup --image from",
      "the bundle, mounted read-only, with no network; the lock it carries is recorded. A golden",
      "there without that stack is refused (exit 6) until --rebuild replaces it."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Exit status: 0 built or already there; 5 --rebuild while clones depend on it;",
      "6 no apt source to build from, not root, or a golden without the bundle's stack.",
      "",
      "Example:",
      "  kube-cluster golden",
      "  kube-cluster golden --rebuild --disk 60"
    })
public final class ClusterGoldenCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  @Option(names = "--rebuild", description = "Replace an existing golden (none may depend on it).")
  Boolean rebuild = false;

  @Option(
      names = "--disk",
      paramLabel = "SIZE",
      description = "The golden's disk, GB or with a unit (default 20); nodes grow to it.")
  String disk;

  @Option(
      names = "--image",
      paramLabel = "PATH",
      description = "Use this disk image (raw or qcow2, with its own boot loader) as is.")
  Path image;

  ClusterGoldenCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    try (ClusterContext ctx =
        new ClusterContext(
            cli, ClusterContext.clusterName(cli, null), Map.of(), mutation.dryRun())) {
      GoldenRequest plain =
          ctx.goldenRequest(
              Optional.ofNullable(disk).map(Sizes::disk), Optional.ofNullable(image), rebuild);
      Path bundle = Path.of(ctx.config.require(ConfigKey.KUBE_BUNDLE));
      boolean kubernetes = GoldenStack.lock(bundle).isPresent() && image == null;
      if (!kubernetes) {
        cli.warn(
            "note: golden "
                + plain.name()
                + " gets no Kubernetes ("
                + (image != null ? "an image is used as it is" : "no stack lock in " + bundle)
                + ")");
      }
      GoldenRequest request = kubernetes ? plain.withBundle(bundle) : plain;
      GoldenBuilder builder = ctx.goldenBuilder(ctx.defaultUri());
      long begin = System.nanoTime();
      int code =
          Mutation.of(cli, List.of("kvm", "golden"), "kube-cluster golden " + request.name())
              .options(mutation)
              .output(output)
              .run(() -> builder.plan(request));
      if (!mutation.dryRun() && code == ExitCode.OK.code()) {
        cli.out()
            .printf(
                "golden %s@%s ready (%d s)%n",
                request.name(),
                GoldenRequest.SNAPSHOT,
                (System.nanoTime() - begin) / 1_000_000_000L);
        cli.out().flush();
      }
      return code;
    }
  }
}
