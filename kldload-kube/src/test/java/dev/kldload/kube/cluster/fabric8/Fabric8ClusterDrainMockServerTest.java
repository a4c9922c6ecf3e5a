package dev.kldload.kube.cluster.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Cordon, drain and node deletion (what {@code kube-cluster scale} does to a worker before its VM
 * goes) on the fabric8 adapter, against fabric8's KubernetesMockServer in CRUD mode (a mock).
 */
@EnableKubernetesMockClient(crud = true)
class Fabric8ClusterDrainMockServerTest {
  KubernetesMockServer server;
  KubernetesClient client;
  Fabric8Cluster cluster;

  /** The pod whose first eviction a disruption budget refuses (answered 429). */
  static final String BUDGETED = "scraper-1";

  @BeforeEach
  void setUp() {
    // no client-side retries: a 429 must reach the adapter at once, as Fabric8Cluster.open sets it
    cluster =
        new Fabric8Cluster(
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder()
                        .withMasterUrl(client.getConfiguration().getMasterUrl())
                        .withTrustCerts(true)
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build(),
            Conditions.system(new CancellationToken()));
    for (String node : new String[] {"w-1", "w-2"}) {
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(node)
                  .endMetadata()
                  .withNewSpec()
                  .endSpec()
                  .build())
          .create();
    }
    pod("default", "web-1", "w-1", null, Map.of());
    pod("monitoring", "scraper-1", "w-1", null, Map.of());
    pod("kube-system", "cilium-abcde", "w-1", "DaemonSet", Map.of());
    pod(
        "kube-system",
        "static-w-1",
        "w-1",
        "Node",
        Map.of(Fabric8Cluster.MIRROR_ANNOTATION, "0123"));
    pod("default", "web-2", "w-2", null, Map.of());
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private void pod(
      String namespace, String name, String node, String ownerKind, Map<String, String> notes) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .withAnnotations(notes)
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .endSpec();
    if (ownerKind != null) {
      pod.editMetadata()
          .addNewOwnerReference()
          .withKind(ownerKind)
          .withName("owner")
          .withApiVersion("v1")
          .withUid("uid-" + name)
          .endOwnerReference()
          .endMetadata();
    }
    client.pods().inNamespace(namespace).resource(pod.build()).create();
    String eviction = "/api/v1/namespaces/" + namespace + "/pods/" + name + "/eviction";
    if (name.equals(BUDGETED)) {
      // as the API answers while a disruption budget allows no more
      server
          .expect()
          .post()
          .withPath(eviction)
          .andReturn(
              429,
              new StatusBuilder()
                  .withStatus("Failure")
                  .withCode(429)
                  .withReason("TooManyRequests")
                  .build())
          .once();
    }
    // CRUD mode keeps no eviction subresource: answer as the API does, the pod deleted
    server
        .expect()
        .post()
        .withPath(eviction)
        .andReply(
            201,
            request -> {
              // the API deletes an evicted pod after its grace period, not within the answer
              CompletableFuture.runAsync(
                  () ->
                      client
                          .pods()
                          .inNamespace(namespace)
                          .withName(name)
                          .withGracePeriod(0)
                          .delete());
              return new StatusBuilder().withStatus("Success").build();
            })
        .always();
  }

  @Test
  @DisplayName(
      "mock API: cordon marks the node unschedulable; drain evicts its pods but the DaemonSet's"
          + " and the static pod's mirror (asking again when a budget refuses one), leaves the"
          + " other node's alone; a second drain has nothing to do")
  void drainsANode() throws Exception {
    cluster.cordon("w-1");
    assertThat(client.nodes().withName("w-1").get().getSpec().getUnschedulable()).isTrue();
    assertThat(client.nodes().withName("w-2").get().getSpec().getUnschedulable())
        .isNotEqualTo(true);

    assertThat(cluster.drain("w-1", Duration.ofSeconds(10)))
        .containsExactlyInAnyOrder("default/web-1", "monitoring/scraper-1");
    assertThat(client.pods().inAnyNamespace().list().getItems())
        .extracting(Pod::getMetadata)
        .extracting(m -> m.getName())
        .containsExactlyInAnyOrder("cilium-abcde", "static-w-1", "web-2");
    assertThat(cluster.drain("w-1", Duration.ofSeconds(10))).isEmpty();
  }

  @Test
  @DisplayName("mock API: a pod whose eviction is always refused: TIMEOUT naming it")
  void drainDeadline() {
    client
        .pods()
        .inNamespace("default")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("stuck")
                .endMetadata()
                .withNewSpec()
                .withNodeName("w-2")
                .endSpec()
                .build())
        .create();
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/default/pods/stuck/eviction")
        .andReturn(429, new StatusBuilder().withStatus("Failure").withCode(429).build())
        .always();
    assertThatThrownBy(() -> cluster.drain("w-2", Duration.ofSeconds(2)))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
              assertThat(e.getMessage()).contains("node w-2 still runs default/stuck");
            });
  }

  @Test
  @DisplayName("mock API: deleting a node says whether there was one; cordon of none is NOT_FOUND")
  void deletesANode() {
    assertThat(cluster.deleteNode("w-1")).isTrue();
    assertThat(cluster.node("w-1")).isEmpty();
    assertThat(cluster.deleteNode("w-1")).isFalse();
    assertThatThrownBy(() -> cluster.cordon("w-1"))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    assertThatThrownBy(() -> cluster.drain("w-1", Duration.ofSeconds(1)))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }
}
