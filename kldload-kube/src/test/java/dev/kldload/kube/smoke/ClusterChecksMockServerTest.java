package dev.kldload.kube.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.kube.cluster.AdminConfs;
import dev.kldload.kube.cluster.MockApi;
import dev.kldload.kube.cluster.fabric8.Fabric8Cluster;
import dev.kldload.net.NetworkPlan;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster checks against fabric8's KubernetesMockServer in CRUD mode. It is a mock: no
 * controllers or kubelet run, so the test writes the status they would (a small "kubelet" thread
 * moves test pods to their phase), and answers /version, logs and metrics with expectations.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterChecksMockServerTest {
  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path dir;

  final List<String> notes = new CopyOnWriteArrayList<>();

  /** Every test pod the "kubelet" saw, by name. */
  final Set<String> seenPods = ConcurrentHashMap.newKeySet();

  volatile String podPhase = "Running";
  volatile boolean kubeletOn = true;
  volatile String dnsLog =
      "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
          + "Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n";
  private Thread kubelet;

  InMemorySmokeNode node;

  @BeforeEach
  void readyCluster() {
    // the CRUD mock answers /version itself: give it the version a real server would
    server.setVersionInfo(
        new VersionInfo.Builder().withMajor("1").withMinor("32").withGitVersion("v1.32.3").build());
    MockApi.nodeMetrics(server, "kldload-cp", "kldload-w-1");
    MockApi.node(client, "kldload-cp", true);
    MockApi.node(client, "kldload-w-1", true);
    MockApi.daemonSet(client, "kube-system", "cilium", 2, 2);
    MockApi.deployment(client, "kube-system", "coredns", 2, 2);
    MockApi.deployment(client, "kube-system", "hubble-relay", 1, 1);
    MockApi.endpoints(
        client, "kube-system", "kube-dns", List.of("10.244.0.10", "10.244.1.10"), List.of());
    node =
        SmokeFixtures.healthyNode()
            .command(
                0,
                "registry.k8s.io/pause:3.10\n"
                    + "docker.io/library/busybox:1.36\n"
                    + "sha256:0123456789abcdef\n",
                "",
                "ctr",
                "-n",
                "k8s.io",
                "images",
                "ls",
                "-q");
    kubelet = new Thread(this::kubelet, "mock-kubelet");
    kubelet.setDaemon(true);
    kubelet.start();
  }

  @AfterEach
  void stopKubelet() throws InterruptedException {
    kubelet.interrupt();
    kubelet.join(2000);
  }

  /** Moves each new test pod to {@link #podPhase}; a DNS pod succeeds with nslookup's output. */
  private void kubelet() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        if (kubeletOn) {
          for (Pod p : client.pods().inNamespace("default").list().getItems()) {
            String name = p.getMetadata().getName();
            if (p.getStatus() != null && p.getStatus().getPhase() != null) {
              continue;
            }
            seenPods.add(name);
            boolean dns = name.startsWith("kldload-smoke-dns-");
            if (dns) {
              server
                  .expect()
                  .get()
                  .withPath("/api/v1/namespaces/default/pods/" + name + "/log?pretty=false")
                  .andReturn(200, dnsLog)
                  .always();
            }
            String phase = dns && podPhase.equals("Running") ? "Succeeded" : podPhase;
            client
                .pods()
                .inNamespace("default")
                .withName(name)
                .editStatus(
                    q -> {
                      q.setStatus(new PodStatusBuilder().withPhase(phase).build());
                      return q;
                    });
          }
        }
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the pod went away between list and edit: look again
      }
    }
  }

  /** A cluster on its own client: the run closes it, the test's client stays open. */
  private Fabric8Cluster cluster() {
    return new Fabric8Cluster(server.createClient(), Conditions.system(new CancellationToken()));
  }

  private SmokeReport runCluster(Duration timeout, CancellationToken token) {
    List<Check> checks =
        SmokeCatalogue.select(
            SmokeCatalogue.all(NetworkPlan.defaults()), List.of("cluster"), List.of());
    try (SmokeContext context =
        SmokeFixtures.context(
            node, notes, false, timeout, Optional.of(dir.resolve("admin.conf")), p -> cluster())) {
      return new SmokeRunner(token, Clock.systemUTC()).run(checks, context, r -> {});
    }
  }

  private static Map<String, CheckResult> byId(SmokeReport report) {
    return report.results().stream()
        .collect(Collectors.toMap(CheckResult::id, r -> r, (a, b) -> a, LinkedHashMap::new));
  }

  private static Set<String> notPassing(SmokeReport report) {
    return report.results().stream()
        .filter(r -> r.outcome() != Outcome.PASS)
        .map(r -> r.id() + "=" + r.outcome())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private List<String> podsLeft() {
    return client.pods().inNamespace("default").list().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .toList();
  }

  @Test
  @DisplayName("mock API: a ready cluster passes every cluster check and leaves no test pod")
  void ready() {
    SmokeReport report = runCluster(Duration.ofSeconds(10), new CancellationToken());
    assertThat(notPassing(report)).isEmpty();
    Map<String, CheckResult> r = byId(report);
    assertThat(r.get("cluster.api").evidence()).isEqualTo("server v1.32.3");
    assertThat(r.get("cluster.nodes.ready").evidence()).isEqualTo("2/2 Ready");
    assertThat(r.get("cluster.cilium").evidence()).isEqualTo("2/2 ready");
    assertThat(r.get("cluster.coredns").evidence()).isEqualTo("2 pod(s) ready, 2 endpoint(s)");
    assertThat(r.get("cluster.pod").evidence())
        .startsWith("pod kldload-smoke-")
        .contains("Running on kldload-cp", "(registry.k8s.io/pause:3.10)");
    assertThat(r.get("cluster.dns").evidence())
        .isEqualTo("kubernetes.default.svc.cluster.local → 10.96.0.1 (nslookup)");
    assertThat(r.get("cluster.metrics").evidence()).isEqualTo("metrics for 2 node(s)");
    assertThat(seenPods).hasSize(2);
    assertThat(podsLeft()).isEmpty();
    assertThat(report.exitCode(false)).isEqualTo(ExitCode.OK);
  }

  @Test
  @DisplayName("mock API: without busybox, DNS resolves with getent in the Cilium agent's image")
  void dnsWithCiliumImage() {
    node.command(
        0,
        "registry.k8s.io/pause:3.10\nquay.io/cilium/cilium:v1.17.2\n",
        "",
        "ctr",
        "-n",
        "k8s.io",
        "images",
        "ls",
        "-q");
    dnsLog = "10.96.0.1       kubernetes.default.svc.cluster.local\n";
    SmokeReport report = runCluster(Duration.ofSeconds(10), new CancellationToken());
    assertThat(byId(report).get("cluster.dns").evidence())
        .isEqualTo("kubernetes.default.svc.cluster.local → 10.96.0.1 (getent)");
    assertThat(seenPods).anyMatch(n -> n.startsWith("kldload-smoke-dns-"));
    assertThat(podsLeft()).isEmpty();
  }

  @Test
  @DisplayName("mock API: no image that can resolve: cluster.dns SKIPs with the reason")
  void dnsWithoutResolverImage() {
    node.command(
        0, "registry.k8s.io/pause:3.10\n", "", "ctr", "-n", "k8s.io", "images", "ls", "-q");
    SmokeReport report = runCluster(Duration.ofSeconds(10), new CancellationToken());
    assertThat(byId(report).get("cluster.dns").outcome()).isEqualTo(Outcome.SKIP);
    assertThat(byId(report).get("cluster.pod").outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  @DisplayName(
      "mock API: a NotReady node, no Cilium, CoreDNS without endpoints fail exactly those checks")
  void broken() {
    MockApi.node(client, "kldload-w-1", false);
    client.apps().daemonSets().inNamespace("kube-system").withName("cilium").delete();
    client.endpoints().inNamespace("kube-system").withName("kube-dns").delete();
    client.apps().deployments().inNamespace("kube-system").withName("hubble-relay").delete();
    SmokeReport report = runCluster(Duration.ofSeconds(10), new CancellationToken());
    assertThat(notPassing(report))
        .containsExactly(
            "cluster.cilium=FAIL",
            "cluster.coredns=FAIL",
            "cluster.hubble-relay=WARN",
            "cluster.nodes.ready=FAIL");
    Map<String, CheckResult> r = byId(report);
    assertThat(r.get("cluster.nodes.ready").evidence())
        .isEqualTo("1/2 Ready; not ready: kldload-w-1");
    assertThat(r.get("cluster.cilium").evidence()).isEqualTo("not installed");
    assertThat(r.get("cluster.coredns").evidence())
        .isEqualTo("2 pod(s) ready but Service kube-dns has no endpoints");
    assertThat(report.exitCode(false)).isEqualTo(ExitCode.FAILED);
  }

  @Test
  @DisplayName("mock API: a test pod that never starts fails at the deadline and is deleted")
  void podNeverStarts() {
    kubeletOn = false;
    SmokeReport report = runCluster(Duration.ofSeconds(4), new CancellationToken());
    Map<String, CheckResult> r = byId(report);
    assertThat(r.get("cluster.pod").outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.get("cluster.pod").evidence()).endsWith("still Unknown at the deadline");
    assertThat(r.get("cluster.dns").outcome()).isEqualTo(Outcome.FAIL);
    assertThat(podsLeft()).isEmpty();
  }

  @Test
  @DisplayName("mock API: a test pod that fails is reported and deleted")
  void podFails() {
    podPhase = "Failed";
    SmokeReport report = runCluster(Duration.ofSeconds(10), new CancellationToken());
    assertThat(byId(report).get("cluster.pod").outcome()).isEqualTo(Outcome.FAIL);
    assertThat(byId(report).get("cluster.dns").evidence()).startsWith("nslookup Failed");
    assertThat(podsLeft()).isEmpty();
  }

  @Test
  @DisplayName("mock API: Ctrl-C while the test pod starts deletes the pod and stops the run")
  void interrupted() throws Exception {
    kubeletOn = false;
    CancellationToken token = new CancellationToken();
    Thread canceller =
        new Thread(
            () -> {
              try {
                while (client.pods().inNamespace("default").list().getItems().isEmpty()) {
                  Thread.sleep(10);
                }
                token.cancel();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    canceller.start();
    SmokeReport report = runCluster(Duration.ofSeconds(30), token);
    canceller.join(5000);
    assertThat(report.interrupted()).isTrue();
    assertThat(report.results().get(report.results().size() - 1).id()).isEqualTo("cluster.pod");
    assertThat(podsLeft()).isEmpty();
    assertThat(report.exitCode(false)).isEqualTo(ExitCode.INTERRUPTED);
  }

  @Test
  @DisplayName("mock API: with no kubeconfig every cluster check SKIPs with the reason")
  void noKubeconfig() {
    List<Check> checks =
        SmokeCatalogue.select(
            SmokeCatalogue.all(NetworkPlan.defaults()), List.of("cluster"), List.of());
    SmokeReport report;
    try (SmokeContext context =
        SmokeFixtures.context(
            node, notes, false, Duration.ofSeconds(5), Optional.empty(), p -> cluster())) {
      report =
          new SmokeRunner(new CancellationToken(), Clock.systemUTC()).run(checks, context, r -> {});
    }
    assertThat(report.results()).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.SKIP));
    assertThat(report.results().get(0).evidence()).startsWith("no kubeconfig");
  }

  private SmokeReport againstPort(int port, Duration timeout) throws Exception {
    Path config = dir.resolve("unreachable.conf");
    Files.writeString(config, AdminConfs.withToken("https://127.0.0.1:" + port));
    List<Check> checks =
        SmokeCatalogue.select(
            SmokeCatalogue.all(NetworkPlan.defaults()), List.of("cluster"), List.of());
    try (SmokeContext context =
        SmokeFixtures.context(
            node,
            notes,
            false,
            timeout,
            Optional.of(config),
            p ->
                Fabric8Cluster.open(
                    p, Optional.empty(), Conditions.system(new CancellationToken())))) {
      return new SmokeRunner(new CancellationToken(), Clock.systemUTC())
          .run(checks, context, r -> {});
    }
  }

  @Test
  @DisplayName("no API server on the port: cluster.api FAILs as unavailable, the rest SKIP, exit 7")
  void unreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    SmokeReport report = againstPort(port, Duration.ofSeconds(10));
    Map<String, CheckResult> r = byId(report);
    assertThat(r.get("cluster.api").outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.get("cluster.api").cause()).contains(ErrorKind.UNAVAILABLE);
    assertThat(r.get("cluster.nodes.ready").evidence()).isEqualTo("the API server did not answer");
    assertThat(notPassing(report))
        .allMatch(s -> s.equals("cluster.api=FAIL") || s.endsWith("=SKIP"));
    assertThat(report.exitCode(false)).isEqualTo(ExitCode.UNAVAILABLE);
  }

  @Test
  @DisplayName("an API server that accepts and never answers: cluster.api FAILs in time, exit 8")
  void hung() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket s = new ServerSocket(0)) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(s.accept());
                  }
                } catch (Exception e) {
                  // closed
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      long start = System.nanoTime();
      SmokeReport report = againstPort(s.getLocalPort(), Duration.ofSeconds(1));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
      CheckResult api = byId(report).get("cluster.api");
      assertThat(api.outcome()).isEqualTo(Outcome.FAIL);
      assertThat(api.evidence()).isEqualTo("no answer within 1s");
      assertThat(report.exitCode(false)).isEqualTo(ExitCode.TIMEOUT);
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }
}
