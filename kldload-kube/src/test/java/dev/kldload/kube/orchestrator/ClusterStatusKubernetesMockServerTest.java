package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.Conditions;
import dev.kldload.kube.cluster.AdminConfs;
import dev.kldload.kube.cluster.MockApi;
import dev.kldload.kube.cluster.fabric8.Fabric8Cluster;
import dev.kldload.kube.cluster.fabric8.Fabric8KubeconfigFiles;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-cluster status's Kubernetes section against fabric8's KubernetesMockServer in CRUD mode (a
 * mock), and against APIs that do not answer.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterStatusKubernetesMockServerTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;

  private Path kubeconfig(String url) throws Exception {
    return Files.writeString(dir.resolve("kubeconfig"), AdminConfs.at(url));
  }

  @Test
  @DisplayName(
      "mock API: nodes Ready of all, kube-system pods running of all, the add-ons' readiness; a"
          + " NotReady node degrades the report, naming it")
  void readsTheApi() throws Exception {
    MockApi.node(client, "kldload-cp", true);
    MockApi.node(client, "kldload-w-1", false);
    MockApi.pod(client, "kube-system", "coredns-1", "Running");
    MockApi.pod(client, "kube-system", "kube-apiserver-kldload-cp", "Running");
    MockApi.pod(client, "kube-system", "cilium-abcde", "Pending");
    MockApi.daemonSet(client, "kube-system", "cilium", 2, 1);
    ClusterStatus.KubernetesReport api =
        ClusterStatus.kubernetes(
            kubeconfig(server.url("/")),
            new Fabric8KubeconfigFiles(),
            (file, token) -> new Fabric8Cluster(client, Conditions.system(token)),
            Duration.ofSeconds(5));
    assertThat(api.error()).isNull();
    assertThat(api.server()).isEqualTo(server.url("/"));
    assertThat(api.nodesReady()).isEqualTo(1);
    assertThat(api.nodesTotal()).isEqualTo(2);
    assertThat(api.notReady()).containsExactly("kldload-w-1");
    assertThat(api.systemPodsRunning()).isEqualTo(2);
    assertThat(api.systemPodsTotal()).isEqualTo(3);
    assertThat(api.addOns())
        .filteredOn(a -> a.name().equals("cilium"))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.installed()).isTrue();
              assertThat(a.ready()).isFalse();
              assertThat(a.readyReplicas()).isEqualTo(1);
              assertThat(a.desired()).isEqualTo(2);
            });
    assertThat(api.addOns())
        .filteredOn(a -> a.name().equals("metrics-server"))
        .singleElement()
        .satisfies(a -> assertThat(a.installed()).isFalse());

    ClusterStatus.ClusterReport report =
        new ClusterStatus.ClusterReport(
                "kldload", ClusterStatus.Verdict.HEALTHY, List.of(), List.of())
            .withKubernetes(api);
    assertThat(report.verdict()).isEqualTo(ClusterStatus.Verdict.DEGRADED);
    assertThat(report.reasons()).containsExactly("kldload-w-1: NotReady in the API");
    assertThat(ClusterStatus.table(report))
        .contains("nodes 1/2 Ready, kube-system pods 2/3 running", "cilium 1/2", "coredns absent");
  }

  @Test
  @DisplayName(
      "an API that never answers: 'did not answer within 1 s' after the deadline, not the"
          + " client's own timeouts; a closed port: 'did not answer' at once")
  void unansweredApi() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    long start = System.nanoTime();
    ClusterStatus.KubernetesReport stalled =
        ClusterStatus.kubernetes(
            kubeconfig("https://10.251.0.1:6443"),
            new Fabric8KubeconfigFiles(),
            (file, token) -> {
              try {
                never.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new IllegalStateException("unreachable: the look was cut off");
            },
            Duration.ofSeconds(1));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    assertThat(stalled.error())
        .isEqualTo("the API at https://10.251.0.1:6443 did not answer within 1 s");
    assertThat(stalled.nodesTotal()).isZero();

    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String closed = "https://127.0.0.1:" + port;
    Path file = kubeconfig(closed);
    ClusterStatus.KubernetesReport refused =
        ClusterStatus.kubernetes(
            file,
            new Fabric8KubeconfigFiles(),
            (f, token) -> Fabric8Cluster.open(f, Optional.empty(), Conditions.system(token)),
            Duration.ofSeconds(5));
    assertThat(refused.error()).startsWith("the API at " + closed + " did not answer: ");
    assertThat(
            new ClusterStatus.ClusterReport(
                    "kldload", ClusterStatus.Verdict.HEALTHY, List.of(), List.of())
                .withKubernetes(refused)
                .exitCode()
                .code())
        .isEqualTo(3);
  }
}
