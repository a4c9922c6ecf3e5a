package dev.kldload.cli.kube;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.plan.Plan;
import dev.kldload.kube.node.KubeLoadImages;
import dev.kldload.kube.node.NodeLocks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code kube-load-images}: import the bundle's image archives into containerd. */
@Command(
    name = "kube-load-images",
    header = "Import the offline bundle's container images into containerd (k8s.io namespace).",
    description = {
      "Imports every *.tar in DIR with 'ctr -n k8s.io images import', skipping archives whose",
      "images containerd already has, and reports how many were imported. A missing or empty DIR",
      "is not an error (nodes then pull from their registry). A failed archive does not stop the",
      "others: the run ends with exit 3."
    },
    mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  kube-load-images", "  kube-load-images /root/darksite/k8s-images"})
public final class KubeLoadImagesCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;

  @Mixin OutputOption output;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      description = "Directory of image archives (default: BUNDLE/k8s-images).")
  Path dir;

  KubeLoadImagesCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    Path images =
        dir != null
            ? dir
            : KubeLoadImages.inBundle(Path.of(cli.config().require(ConfigKey.KUBE_BUNDLE)));
    Optional<Plan> plan;
    try {
      plan =
          new KubeLoadImages(NodeTools.system(cli, mutation.dryRun()))
              .plan(images, mutation.dryRun());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (plan.isEmpty()) {
      cli.warn(
          "kube-load-images: no image archives in "
              + images
              + "; nodes will pull from their registry");
      return ExitCode.OK.code();
    }
    NodeTools.requireRoot(cli, "kube-load-images", mutation.dryRun());
    return NodeTools.mutation(cli, List.of(NodeLocks.NODE), "kube-load-images")
        .options(mutation)
        .output(output)
        .run(plan::get);
  }
}
