package dev.kldload.kube.smoke;

import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.cluster.NodeInfo;
import dev.kldload.kube.cluster.PodInfo;
import dev.kldload.kube.cluster.PodRequest;
import dev.kldload.kube.cluster.WorkloadStatus;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster checks (spec §8, rows 36–45) through the {@link Cluster} port. Once {@code
 * cluster.api} has failed, the others SKIP instead of waiting on the same dead server. The test
 * pods run an image this node already holds, never pull, and are deleted on every path.
 */
final class ClusterChecks {
  static final String NAMESPACE = "default";
  static final String SYSTEM = "kube-system";
  static final Map<String, String> LABELS =
      Map.of("app.kubernetes.io/managed-by", "kube-smoke-test");
  static final String DNS_NAME = "kubernetes.default.svc.cluster.local";
  private static final Pattern NSLOOKUP_ADDRESS =
      Pattern.compile("Name:\\s*\\S+\\s*\\R\\s*Address(?: \\d+)?:\\s*([0-9a-fA-F.:]+)");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Time kept back from a pod check's deadline for deleting the pod. */
  static final Duration CLEANUP_RESERVE = Duration.ofSeconds(3);

  private ClusterChecks() {}

  /** A probe that needs the API: skipped without a kubeconfig or after cluster.api failed. */
  interface ClusterProbe {
    Verdict run(SmokeContext context, Cluster cluster) throws Exception;
  }

  static List<Check> all() {
    List<Check> checks = new ArrayList<>();
    checks.add(
        new Check(
            "cluster.kubeconfig",
            Section.CLUSTER,
            Severity.WARNING,
            "a kubeconfig is available",
            c ->
                c.kubeconfig()
                    .map(p -> Verdict.pass(p.toString()))
                    .orElseGet(() -> Verdict.skip(c.noKubeconfig()))));
    checks.add(
        new Check(
            "cluster.api",
            Section.CLUSTER,
            Severity.CRITICAL,
            "the API server answers",
            ClusterChecks::api));
    checks.add(
        new Check(
            "cluster.nodes.ready",
            Section.CLUSTER,
            Severity.CRITICAL,
            "every node is Ready",
            c -> withCluster(c, ClusterChecks::nodes)));
    checks.add(
        new Check(
            "cluster.cilium",
            Section.CLUSTER,
            Severity.CRITICAL,
            "the Cilium DaemonSet is ready on every node",
            c -> withCluster(c, ClusterChecks::cilium)));
    checks.add(
        new Check(
            "cluster.coredns",
            Section.CLUSTER,
            Severity.CRITICAL,
            "CoreDNS runs and its Service has endpoints",
            c -> withCluster(c, ClusterChecks::coredns)));
    checks.add(
        new Check(
            "cluster.hubble-relay",
            Section.CLUSTER,
            Severity.WARNING,
            "hubble-relay is installed",
            c -> withCluster(c, ClusterChecks::hubbleRelay)));
    checks.add(
        new Check(
            "cluster.pod",
            Section.CLUSTER,
            Severity.CRITICAL,
            "a test pod starts on this node (local image, no pull)",
            c -> withCluster(c, ClusterChecks::testPod)));
    checks.add(
        new Check(
            "cluster.dns",
            Section.CLUSTER,
            Severity.CRITICAL,
            "a pod resolves " + DNS_NAME,
            c -> withCluster(c, ClusterChecks::dns)));
    checks.add(
        new Check(
            "cluster.metrics",
            Section.CLUSTER,
            Severity.WARNING,
            "the metrics API answers (kubectl top)",
            c -> withCluster(c, ClusterChecks::metrics)));
    return checks;
  }

  static Verdict withCluster(SmokeContext c, ClusterProbe probe) throws Exception {
    if (c.kubeconfig().isEmpty()) {
      return Verdict.skip(c.noKubeconfig());
    }
    Optional<Verdict> api = c.verdict("cluster.api");
    if (api.isPresent() && api.get().kind() != Verdict.Kind.PASS) {
      return Verdict.skip("the API server did not answer");
    }
    try {
      return probe.run(c, c.cluster());
    } catch (KldloadException e) {
      return Verdict.problem(e.getMessage(), e.hint().orElse(null)).because(e.kind());
    }
  }

  static Verdict api(SmokeContext c) {
    if (c.kubeconfig().isEmpty()) {
      return Verdict.skip(c.noKubeconfig());
    }
    try {
      return Verdict.pass("server " + c.cluster().serverVersion());
    } catch (KldloadException e) {
      return Verdict.problem(e.getMessage(), e.hint().orElse(null)).because(e.kind());
    }
  }

  static Verdict nodes(SmokeContext c, Cluster cluster) {
    List<NodeInfo> nodes = cluster.nodes();
    if (nodes.isEmpty()) {
      return Verdict.problem("the cluster has no nodes", "kube-join the workers");
    }
    List<String> notReady = nodes.stream().filter(n -> !n.ready()).map(NodeInfo::name).toList();
    String counts = (nodes.size() - notReady.size()) + "/" + nodes.size() + " Ready";
    return notReady.isEmpty()
        ? Verdict.pass(counts)
        : Verdict.problem(
            counts + "; not ready: " + String.join(", ", notReady),
            "kubectl describe node " + notReady.get(0));
  }

  static Verdict cilium(SmokeContext c, Cluster cluster) {
    return workload(cluster.daemonSet(SYSTEM, "cilium"), "kube-init installs Cilium");
  }

  private static Verdict workload(Optional<WorkloadStatus> status, String hintWhenMissing) {
    if (status.isEmpty()) {
      return Verdict.problem("not installed", hintWhenMissing);
    }
    WorkloadStatus s = status.get();
    String counts = s.ready() + "/" + s.desired() + " ready";
    return s.complete()
        ? Verdict.pass(counts)
        : Verdict.problem(counts, "kubectl -n " + s.namespace() + " get pods");
  }

  static Verdict coredns(SmokeContext c, Cluster cluster) {
    Optional<WorkloadStatus> deployment = cluster.deployment(SYSTEM, "coredns");
    if (deployment.isEmpty()) {
      return Verdict.problem(
          "deployment kube-system/coredns does not exist", "kubeadm installs it");
    }
    if (deployment.get().ready() == 0) {
      return Verdict.problem(
          "no CoreDNS pod ready (0/" + deployment.get().desired() + ")",
          "kubectl -n kube-system get pods -l k8s-app=kube-dns");
    }
    Optional<Integer> endpoints = cluster.readyEndpoints(SYSTEM, "kube-dns");
    if (endpoints.isEmpty()) {
      return Verdict.problem(
          deployment.get().ready() + " pod(s) ready but Service kube-dns has no endpoints",
          "check the Service's selector and the pods' readiness");
    }
    return Verdict.pass(
        deployment.get().ready() + " pod(s) ready, " + endpoints.get() + " endpoint(s)");
  }

  static Verdict hubbleRelay(SmokeContext c, Cluster cluster) {
    return cluster
        .deployment(SYSTEM, "hubble-relay")
        .map(s -> Verdict.pass("deployment " + s.ready() + "/" + s.desired() + " ready"))
        .orElseGet(() -> Verdict.problem("not installed", "kube-init installs Cilium with Hubble"));
  }

  static Verdict metrics(SmokeContext c, Cluster cluster) {
    int nodes = cluster.nodeMetrics();
    return nodes > 0
        ? Verdict.pass("metrics for " + nodes + " node(s)")
        : Verdict.problem("the metrics API reports no node", "check metrics-server's logs");
  }

  /** Images in this node's containerd, by name (no digests, no bare ids). */
  static List<String> localImages(SmokeContext c) {
    if (!c.node().exists(NodeChecks.CONTAINERD_SOCKET)) {
      return List.of();
    }
    Optional<ProcessResult> r = c.command(NodeChecks.CTR_IMAGES);
    if (r.isEmpty() || !r.get().ok()) {
      return List.of();
    }
    return r.get()
        .stdout()
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("sha256:") && !l.contains("@sha256:"))
        .toList();
  }

  /** This node's name in the cluster: the pods are pinned to it, where the images are. */
  private static Optional<String> thisNode(SmokeContext c, Cluster cluster) {
    Optional<String> host = c.hostname();
    if (host.isEmpty()) {
      return Optional.empty();
    }
    return cluster.node(host.get()).map(NodeInfo::name);
  }

  static Verdict testPod(SmokeContext c, Cluster cluster) throws InterruptedException {
    Optional<Verdict> skip = whyNoPod(c);
    if (skip.isPresent()) {
      return skip.get();
    }
    Optional<String> node = thisNode(c, cluster);
    if (node.isEmpty()) {
      return Verdict.skip(
          "this host (" + c.hostname().orElse("?") + ") is not a node of the cluster");
    }
    List<String> images = localImages(c);
    Optional<String> image =
        images.stream()
            .filter(i -> i.contains("/pause:"))
            .findFirst()
            .or(() -> images.stream().filter(i -> i.contains("busybox")).findFirst());
    if (image.isEmpty()) {
      return Verdict.skip("no pause or busybox image in this node's containerd to run");
    }
    String name = "kldload-smoke-" + suffix();
    PodRequest request = new PodRequest(NAMESPACE, name, image.get(), List.of(), node, LABELS);
    long start = System.nanoTime();
    return withPod(
        c,
        cluster,
        request,
        pod -> {
          String phase = pod.phase();
          if (phase.equals("Running") || phase.equals("Succeeded")) {
            return Optional.of(
                Verdict.pass(
                    "pod "
                        + name
                        + " "
                        + phase
                        + " on "
                        + node.get()
                        + " after "
                        + Duration.ofNanos(System.nanoTime() - start).toMillis()
                        + " ms ("
                        + image.get()
                        + ")"));
          }
          if (phase.equals("Failed")) {
            return Optional.of(Verdict.problem("pod " + name + " Failed", "kubectl describe pod"));
          }
          return Optional.empty();
        });
  }

  static Verdict dns(SmokeContext c, Cluster cluster) throws InterruptedException {
    Optional<Verdict> skip = whyNoPod(c);
    if (skip.isPresent()) {
      return skip.get();
    }
    Optional<String> node = thisNode(c, cluster);
    if (node.isEmpty()) {
      return Verdict.skip(
          "this host (" + c.hostname().orElse("?") + ") is not a node of the cluster");
    }
    Optional<Resolver> resolver = Resolver.pick(localImages(c));
    if (resolver.isEmpty()) {
      return Verdict.skip(
          "no image with a resolver (busybox, or the Cilium agent's) in this node's containerd");
    }
    Resolver r = resolver.get();
    String name = "kldload-smoke-dns-" + suffix();
    PodRequest request = new PodRequest(NAMESPACE, name, r.image(), r.command(), node, LABELS);
    return withPod(
        c,
        cluster,
        request,
        pod -> {
          if (!pod.phase().equals("Succeeded") && !pod.phase().equals("Failed")) {
            return Optional.empty();
          }
          String log = cluster.podLog(NAMESPACE, name);
          Matcher m = r.answer().matcher(log);
          if (pod.phase().equals("Succeeded") && m.find()) {
            return Optional.of(
                Verdict.pass(DNS_NAME + " → " + m.group(1) + " (" + r.command().get(0) + ")"));
          }
          return Optional.of(
              Verdict.problem(
                  r.command().get(0) + " " + pod.phase() + ": " + Verdict.oneLine(log),
                  "kubectl -n kube-system logs -l k8s-app=kube-dns"));
        });
  }

  /**
   * A local image that can resolve a name, the command that does, and how its answer reads:
   * busybox's nslookup, else {@code getent hosts} in the Cilium agent's image (Ubuntu-based, on
   * every node of this suite's clusters).
   */
  record Resolver(String image, List<String> command, Pattern answer) {
    static Optional<Resolver> pick(List<String> images) {
      Optional<String> busybox = images.stream().filter(i -> i.contains("busybox")).findFirst();
      if (busybox.isPresent()) {
        return Optional.of(
            new Resolver(busybox.get(), List.of("nslookup", DNS_NAME), NSLOOKUP_ADDRESS));
      }
      return images.stream()
          .filter(i -> i.contains("/cilium/cilium:"))
          .findFirst()
          .map(
              image ->
                  new Resolver(
                      image,
                      List.of("getent", "hosts", DNS_NAME),
                      Pattern.compile(
                          "(?m)^([0-9a-fA-F.:]+)\\s+" + Pattern.quote(DNS_NAME) + "\\b")));
    }
  }

  private static Optional<Verdict> whyNoPod(SmokeContext c) {
    if (!c.clusterMember()) {
      return Optional.of(
          Verdict.skip("not a cluster member: no local images to run a test pod with"));
    }
    return Optional.empty();
  }

  /** What a pod's state says: a verdict, or empty while it is still on its way. */
  interface PodWatch {
    Optional<Verdict> look(PodInfo pod);
  }

  /**
   * Creates the pod, polls it until {@code watch} decides or the deadline (less a reserve for the
   * cleanup) passes, and deletes it on every path: a verdict, a failure, a timeout or an interrupt.
   */
  static Verdict withPod(SmokeContext c, Cluster cluster, PodRequest request, PodWatch watch)
      throws InterruptedException {
    long deadline = System.nanoTime() + c.timeout().minus(CLEANUP_RESERVE).toNanos();
    try {
      PodInfo pod = cluster.createPod(request);
      long delay = 50;
      while (true) {
        Optional<Verdict> verdict = watch.look(pod);
        if (verdict.isPresent()) {
          return verdict.get();
        }
        if (System.nanoTime() > deadline) {
          return Verdict.problem(
              "pod " + request.name() + " still " + pod.phase() + " at the deadline",
              "kubectl describe pod; raise --timeout");
        }
        Thread.sleep(delay);
        delay = Math.min(delay * 2, 1000);
        pod =
            cluster
                .pod(request.namespace(), request.name())
                .orElseThrow(
                    () ->
                        KldloadException.notFound(
                            "pod " + request.name() + " vanished", "something deleted it"));
      }
    } finally {
      delete(c, cluster, request);
    }
  }

  /**
   * Deletes even when this thread was interrupted (the interrupt is kept for the caller); a pod
   * that cannot be deleted is said on stderr with the command that removes it.
   */
  private static void delete(SmokeContext c, Cluster cluster, PodRequest request) {
    boolean interrupted = Thread.interrupted();
    try {
      cluster.deletePod(request.namespace(), request.name());
    } catch (KldloadException e) {
      c.note(
          "warning: test pod "
              + request.namespace()
              + "/"
              + request.name()
              + " was not deleted: "
              + e.getMessage()
              + " (kubectl delete pod -n "
              + request.namespace()
              + " "
              + request.name()
              + ")");
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String suffix() {
    byte[] b = new byte[3];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
