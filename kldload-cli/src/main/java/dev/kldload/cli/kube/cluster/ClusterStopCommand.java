package dev.kldload.cli.kube.cluster;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Conditions;
import dev.kldload.kube.orchestrator.ClusterManifest;
import dev.kldload.kube.orchestrator.ClusterPower;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kube-cluster stop}. */
@Command(
    name = "stop",
    header = "Shut the cluster's VMs down: gracefully, then by force after a deadline.",
    description = {
      "Workers first, then the control planes. Each guest gets an ACPI shutdown and --timeout to",
      "finish it; a guest still running then is powered off, and the run says which."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Exit status: 0 stopped; 4 no such cluster.",
      "",
      "Example:",
      "  kube-cluster stop",
      "  kube-cluster stop --timeout 300"
    })
public final class ClusterStopCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "How long each guest may take to shut down (default 120).")
  Integer timeout = (int) ClusterPower.DEFAULT_SHUTDOWN_TIMEOUT.toSeconds();

  @Option(names = "--name", paramLabel = "NAME", description = "Cluster name.")
  String name;

  ClusterStopCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    if (timeout < 1) {
      throw KldloadException.invalid(
          "--timeout " + timeout + " is not a number of seconds", "give 1 or more, e.g. 120");
    }
    try (ClusterContext ctx =
        ClusterContext.existing(cli, ClusterContext.clusterName(cli, name), mutation.dryRun())) {
      ClusterManifest manifest = ctx.manifest();
      ClusterPower.Stop stop =
          new ClusterPower(
                  ctx::hypervisor,
                  Conditions.system(cli.cancellation()),
                  Duration.ofSeconds(timeout))
              .stopPlan(manifest);
      int code =
          Mutation.of(cli, List.of("kvm", "cluster-" + manifest.name()), "kube-cluster stop")
              .options(mutation)
              .output(output)
              .run(stop::plan);
      stop.forced().forEach(n -> cli.warn("forced: " + n + " did not shut down in time"));
      return code;
    }
  }
}
