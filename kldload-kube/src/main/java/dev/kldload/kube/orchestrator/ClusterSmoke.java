package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.value.HostName;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.smoke.Check;
import dev.kldload.kube.smoke.CheckResult;
import dev.kldload.kube.smoke.Outcome;
import dev.kldload.kube.smoke.Section;
import dev.kldload.kube.smoke.SmokeCatalogue;
import dev.kldload.kube.smoke.SmokeContext;
import dev.kldload.kube.smoke.SmokeNode;
import dev.kldload.kube.smoke.SmokeReport;
import dev.kldload.kube.smoke.SmokeRunner;
import dev.kldload.kube.smoke.Verdict;
import dev.kldload.kube.smoke.remote.RemoteSmokeNode;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kube.ssh.SshTarget;
import dev.kldload.net.NetworkPlan;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code kube-smoke-test --cluster} from the hypervisor: the node checks (every section but the
 * cluster's) on each node of a manifest over SSH, the nodes in parallel, then the cluster checks
 * once through the cluster's kubeconfig, with the first control plane that answered as "this node"
 * (its images for the test pod, its name to pin the pod to). One report, each node check naming its
 * node. A node that does not answer fails its node checks without running them.
 */
public final class ClusterSmoke {
  /** Where to look, how long to wait, what to share with every node's run. */
  public record Settings(
      NetworkPlan plan,
      SmokeContext.Paths paths,
      Duration timeout,
      boolean fix,
      Consumer<String> notes,
      Function<Path, Cluster> opener) {}

  private static final int MAX_PARALLEL = 16;

  private final Settings settings;
  private final CancellationToken cancellation;
  private final Clock clock;

  public ClusterSmoke(Settings settings, CancellationToken cancellation, Clock clock) {
    this.settings = settings;
    this.cancellation = cancellation;
    this.clock = clock;
  }

  /** The cluster's kubeconfig, where {@code kube-cluster} keeps it beside the manifest. */
  public static Path kubeconfig(Path clusterDir) {
    return clusterDir.resolve("kubeconfig");
  }

  /**
   * Runs {@code checks} (a {@link SmokeCatalogue#select} of the catalogue) against the cluster.
   *
   * @param shell SSH to the nodes as root, pinned to the cluster's known_hosts
   * @param kubeconfig the cluster's kubeconfig; without one the cluster checks SKIP, saying so
   * @param progress each result as it comes, from several threads (one at a time)
   */
  public SmokeReport run(
      ClusterManifest manifest,
      RemoteShell shell,
      List<Check> checks,
      Optional<Path> kubeconfig,
      Consumer<CheckResult> progress) {
    if (manifest.nodes().stream().noneMatch(ClusterSmoke::addressed)) {
      throw KldloadException.precondition(
          "cluster " + manifest.name() + " records no node with a LAN address",
          "kube-cluster bootstrap makes the nodes and records their addresses");
    }
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    List<Check> nodeChecks = checks.stream().filter(c -> c.section() != Section.CLUSTER).toList();
    List<Check> clusterChecks =
        checks.stream().filter(c -> c.section() == Section.CLUSTER).toList();
    Consumer<CheckResult> said =
        r -> {
          synchronized (progress) {
            progress.accept(r);
          }
        };
    Map<String, NodeRun> runs = runNodes(manifest, shell, nodeChecks, said);
    List<CheckResult> results = new ArrayList<>();
    Set<String> unreachable = new LinkedHashSet<>();
    boolean interrupted = false;
    for (Map.Entry<String, NodeRun> run : runs.entrySet()) {
      results.addAll(run.getValue().results());
      interrupted |= run.getValue().interrupted();
      if (run.getValue().unreachable()) {
        unreachable.add(run.getKey());
      }
    }
    if (!clusterChecks.isEmpty() && !interrupted && !cancellation.isCancelled()) {
      SmokeReport cluster =
          clusterRun(manifest, shell, clusterChecks, unreachable, kubeconfig, said);
      results.addAll(cluster.results());
      interrupted = cluster.interrupted();
    }
    return new SmokeReport(
        started,
        Duration.ofNanos(System.nanoTime() - t0),
        results,
        interrupted || cancellation.isCancelled(),
        unreachable);
  }

  private static boolean addressed(NodeRecord node) {
    return node.lanAddress() != null && !node.lanAddress().isBlank();
  }

  private RemoteSmokeNode remote(NodeRecord node, RemoteShell shell) {
    if (!addressed(node)) {
      throw KldloadException.precondition(
          "node " + node.name() + " has no LAN address recorded",
          "kube-cluster start brings it up and records its address");
    }
    return new RemoteSmokeNode(
        shell, SshTarget.root(HostName.of(node.name()), node.lanAddress()), settings.timeout());
  }

  /** One node's results; {@code unreachable} when the node did not answer at all. */
  private record NodeRun(List<CheckResult> results, boolean interrupted, boolean unreachable) {}

  private Map<String, NodeRun> runNodes(
      ClusterManifest manifest,
      RemoteShell shell,
      List<Check> nodeChecks,
      Consumer<CheckResult> said) {
    Map<String, NodeRun> out = new LinkedHashMap<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(MAX_PARALLEL, manifest.nodes().size()),
            r -> {
              Thread t = new Thread(r, "smoke-node");
              t.setDaemon(true);
              return t;
            });
    try {
      Map<String, Future<NodeRun>> futures = new LinkedHashMap<>();
      for (NodeRecord node : manifest.nodes()) {
        futures.put(node.name(), pool.submit(() -> runNode(node, shell, nodeChecks, said)));
      }
      for (Map.Entry<String, Future<NodeRun>> f : futures.entrySet()) {
        out.put(f.getKey(), await(f.getValue()));
      }
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  private NodeRun await(Future<NodeRun> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new NodeRun(List.of(), true, false);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  private NodeRun runNode(
      NodeRecord node, RemoteShell shell, List<Check> nodeChecks, Consumer<CheckResult> said) {
    RemoteSmokeNode remote;
    try {
      remote = remote(node, shell);
      shell.run(remote.target(), List.of("true"), settings.timeout());
    } catch (KldloadException e) {
      // refused, unknown host key, no route: its checks fail without waiting out each deadline
      List<CheckResult> failed =
          nodeChecks.stream().map(c -> unreachable(c, node.name(), e)).toList();
      failed.forEach(said);
      return new NodeRun(failed, false, true);
    }
    try (SmokeContext context = context(remote, Optional.empty())) {
      SmokeReport report =
          new SmokeRunner(cancellation, clock)
              .run(nodeChecks, context, r -> said.accept(r.on(node.name())));
      return new NodeRun(
          report.results().stream().map(r -> r.on(node.name())).toList(),
          report.interrupted(),
          false);
    }
  }

  private static CheckResult unreachable(Check check, String node, KldloadException why) {
    return new CheckResult(
        check.id(),
        check.section(),
        check.severity(),
        check.title(),
        Outcome.FAIL,
        "unreachable: " + Verdict.oneLine(why.getMessage()),
        Optional.of(
            why.hint()
                .orElse("kube-cluster status shows whether the node runs and its mesh is up")),
        Duration.ZERO,
        Optional.of(why.kind()),
        Optional.of(node));
  }

  private SmokeReport clusterRun(
      ClusterManifest manifest,
      RemoteShell shell,
      List<Check> clusterChecks,
      Set<String> unreachable,
      Optional<Path> kubeconfig,
      Consumer<CheckResult> said) {
    List<NodeRecord> order = new ArrayList<>(manifest.withRole(Role.CONTROL_PLANE));
    manifest.nodes().stream().filter(n -> !order.contains(n)).forEach(order::add);
    List<NodeRecord> addressed = order.stream().filter(ClusterSmoke::addressed).toList();
    NodeRecord home =
        addressed.stream()
            .filter(n -> !unreachable.contains(n.name()))
            .findFirst()
            .orElse(addressed.get(0));
    try (SmokeContext context = context(remote(home, shell), kubeconfig)) {
      context.noKubeconfig(
          "no kubeconfig for cluster "
              + manifest.name()
              + ": Kubernetes is not bootstrapped (kube-cluster keeps it beside the manifest)");
      return new SmokeRunner(cancellation, clock).run(clusterChecks, context, said);
    }
  }

  private SmokeContext context(SmokeNode node, Optional<Path> kubeconfig) {
    return new SmokeContext(
        node,
        settings.plan(),
        settings.paths(),
        settings.timeout(),
        settings.fix(),
        settings.notes(),
        clock,
        kubeconfig,
        settings.opener());
  }
}
