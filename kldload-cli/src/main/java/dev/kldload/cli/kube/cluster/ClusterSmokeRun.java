package dev.kldload.cli.kube.cluster;

import dev.kldload.cli.support.Cli;
import dev.kldload.core.value.ClusterName;
import dev.kldload.kube.orchestrator.ClusterManifest;
import dev.kldload.kube.orchestrator.ClusterSmoke;
import dev.kldload.kube.smoke.CheckResult;
import dev.kldload.kube.smoke.LastSmoke;
import dev.kldload.kube.smoke.SmokeCatalogue;
import dev.kldload.kube.smoke.SmokeReport;
import dev.kldload.kube.ssh.RemoteShell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code kube-smoke-test --cluster NAME} from the hypervisor: the recorded cluster, on the network
 * plan it was built with, its nodes reached as root with the admin key and the cluster's pinned
 * host keys; the result is kept in the cluster's state directory for {@code kube-cluster status}.
 */
public final class ClusterSmokeRun {
  private ClusterSmokeRun() {}

  /** What the command line chose. */
  public record Request(
      ClusterName name,
      List<String> only,
      List<String> skip,
      Duration timeout,
      boolean fix,
      boolean strict,
      Optional<Path> kubeconfig) {}

  /**
   * Runs the selected checks on the cluster; exit 4 when it is not recorded.
   *
   * @param progress each result as it comes (one at a time, from the nodes' threads)
   */
  public static SmokeReport run(Cli cli, Request request, Consumer<CheckResult> progress) {
    try (ClusterContext ctx = ClusterContext.existing(cli, request.name(), false)) {
      ClusterManifest manifest = ctx.manifest();
      Path dir = ctx.store.dir(request.name());
      Optional<Path> kubeconfig =
          request
              .kubeconfig()
              .or(() -> Optional.of(ClusterSmoke.kubeconfig(dir)).filter(Files::isReadable));
      ClusterSmoke smoke = ctx.smoke(request.timeout(), request.fix(), cli.cancellation());
      SmokeReport report;
      try (RemoteShell shell = ctx.remoteShell(manifest)) {
        report =
            smoke.run(
                manifest,
                shell,
                SmokeCatalogue.select(SmokeCatalogue.all(ctx.plan), request.only(), request.skip()),
                kubeconfig,
                progress);
      }
      LastSmoke.of(report, request.strict()).save(dir);
      return report;
    }
  }
}
