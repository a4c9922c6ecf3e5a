package dev.kldload.kube.cluster.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.kube.cluster.MockApi;
import dev.kldload.kube.cluster.PodInfo;
import dev.kldload.kube.cluster.PodRequest;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The port calls kube-smoke-test added (version, endpoints, test pods, logs, metrics) on the
 * fabric8 adapter, against fabric8's KubernetesMockServer in CRUD mode (a mock; /version, logs and
 * metrics are canned answers).
 */
@EnableKubernetesMockClient(crud = true)
class Fabric8ClusterPodsMockServerTest {
  KubernetesMockServer server;
  KubernetesClient client;
  Fabric8Cluster cluster;

  @BeforeEach
  void setUp() {
    cluster = new Fabric8Cluster(client, Conditions.system(new CancellationToken()));
  }

  @Test
  @DisplayName("mock API: the server version is /version's gitVersion")
  void version() {
    server.setVersionInfo(
        new VersionInfo.Builder().withMajor("1").withMinor("32").withGitVersion("v1.32.3").build());
    assertThat(cluster.serverVersion()).isEqualTo("v1.32.3");
  }

  @Test
  @DisplayName("mock API: a test pod never pulls, never restarts, tolerates every taint, is pinned")
  void createPod() {
    PodInfo created =
        cluster.createPod(
            new PodRequest(
                "default",
                "kldload-smoke-1",
                "registry.k8s.io/pause:3.10",
                List.of(),
                Optional.of("kldload-cp"),
                Map.of("app.kubernetes.io/managed-by", "kube-smoke-test")));
    assertThat(created.name()).isEqualTo("kldload-smoke-1");
    Pod pod = client.pods().inNamespace("default").withName("kldload-smoke-1").get();
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getNodeName()).isEqualTo("kldload-cp");
    assertThat(pod.getSpec().getTolerations())
        .singleElement()
        .satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
    assertThat(pod.getSpec().getContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getImagePullPolicy()).isEqualTo("Never");
              assertThat(c.getImage()).isEqualTo("registry.k8s.io/pause:3.10");
              assertThat(c.getCommand()).isEmpty();
            });
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "kube-smoke-test");
    assertThat(cluster.pod("default", "kldload-smoke-1")).isPresent();

    assertThatThrownBy(
            () ->
                cluster.createPod(
                    new PodRequest(
                        "default", "kldload-smoke-1", "x", List.of(), Optional.empty(), Map.of())))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));

    assertThat(cluster.deletePod("default", "kldload-smoke-1")).isTrue();
    assertThat(cluster.pod("default", "kldload-smoke-1")).isEmpty();
    assertThat(cluster.deletePod("default", "kldload-smoke-1")).as("already gone").isFalse();
  }

  @Test
  @DisplayName("mock API: ready endpoints count the Service's addresses; none is empty")
  void endpoints() {
    assertThat(cluster.readyEndpoints("kube-system", "kube-dns")).isEmpty();
    MockApi.endpoints(
        client, "kube-system", "kube-dns", List.of("10.244.0.10"), List.of("10.244.1.10"));
    assertThat(cluster.readyEndpoints("kube-system", "kube-dns")).contains(1);
  }

  @Test
  @DisplayName("mock API: a pod's log and the metrics API's node count")
  void logAndMetrics() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/default/pods/p/log?pretty=false")
        .andReturn(200, "line 1\nline 2\n")
        .once();
    MockApi.nodeMetrics(server, "a", "b");
    assertThat(cluster.podLog("default", "p")).isEqualTo("line 1\nline 2\n");
    assertThat(cluster.nodeMetrics()).isEqualTo(2);
  }
}
