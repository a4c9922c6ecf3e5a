package dev.kldload.kube.orchestrator;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Step;
import dev.kldload.kube.smoke.Check;
import dev.kldload.kube.smoke.CheckResult;
import dev.kldload.kube.smoke.LastSmoke;
import dev.kldload.kube.smoke.Outcome;
import dev.kldload.kube.smoke.Severity;
import dev.kldload.kube.smoke.SmokeReport;
import dev.kldload.kube.ssh.RemoteShell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Bootstrap's last phase: {@code kube-smoke-test --cluster} against the cluster it just built, its
 * result kept where {@code kube-cluster status} shows it. Non-critical like the other Kubernetes
 * phases: a failed critical check ends the run with exit 3 naming the checks, and the cluster
 * stays. Done once a recorded result passed, so a re-run after a pass does not test again.
 */
public final class SmokePhase {
  public static final String STEP = "kube/smoke";

  private SmokePhase() {}

  /**
   * @param smoke the engine for one run, bound to the step's cancellation
   * @param clusterDir where the manifest, the kubeconfig and the last result live
   */
  public static Step step(
      ClusterManifest manifest,
      RemoteShell shell,
      List<Check> checks,
      Path clusterDir,
      Function<CancellationToken, ClusterSmoke> smoke) {
    return Step.named(STEP)
        .description(
            "kube-smoke-test --cluster "
                + manifest.name()
                + ": "
                + checks.size()
                + " checks, node checks on every node, cluster checks once")
        .after(ClusterKubernetes.VERIFY_STEP)
        .nonCritical()
        .doneWhen(c -> LastSmoke.load(clusterDir).filter(l -> l.exitCode() == 0).isPresent())
        .apply(
            c -> {
              SmokeReport report =
                  smoke
                      .apply(c.cancellation())
                      .run(
                          manifest,
                          shell,
                          checks,
                          Optional.of(ClusterSmoke.kubeconfig(clusterDir))
                              .filter(Files::isReadable),
                          r -> {
                            if (r.outcome() == Outcome.FAIL) {
                              c.note(r.label() + ": " + r.evidence());
                            }
                          });
              LastSmoke last = LastSmoke.of(report, false);
              last.save(clusterDir);
              if (last.exitCode() != 0) {
                List<String> failed =
                    report.results().stream()
                        .filter(
                            r -> r.outcome() == Outcome.FAIL && r.severity() == Severity.CRITICAL)
                        .map(CheckResult::label)
                        .toList();
                throw new KldloadException(
                    ErrorKind.FAILED,
                    "smoke test of "
                        + manifest.name()
                        + ": "
                        + last.line()
                        + (failed.isEmpty() ? "" : "; failed: " + String.join(", ", failed)),
                    "kube-smoke-test --cluster "
                        + manifest.name()
                        + " shows every result; bootstrap re-runs it until it passes");
              }
            });
  }
}
