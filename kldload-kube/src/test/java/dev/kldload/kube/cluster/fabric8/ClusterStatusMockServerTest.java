package dev.kldload.kube.cluster.fabric8;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.kube.cluster.ClusterStatus;
import dev.kldload.kube.cluster.MockApi;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** kube-status's view of a cluster, against fabric8's KubernetesMockServer (CRUD mock). */
@EnableKubernetesMockClient(crud = true)
class ClusterStatusMockServerTest {
  KubernetesClient client;

  @Test
  @DisplayName("healthy only when every node is Ready and every installed add-on is complete")
  void health() {
    MockApi.node(client, "cp-1", true);
    MockApi.daemonSet(client, "kube-system", "cilium", 1, 0);
    Fabric8Cluster cluster = new Fabric8Cluster(client, Conditions.system(new CancellationToken()));
    ClusterStatus status = ClusterStatus.of(cluster);
    assertThat(status.nodes()).hasSize(1);
    assertThat(status.components())
        .filteredOn(ClusterStatus.Component::installed)
        .extracting(ClusterStatus.Component::name)
        .containsExactly("cilium");
    assertThat(status.healthy()).isFalse();
    client
        .apps()
        .daemonSets()
        .inNamespace("kube-system")
        .withName("cilium")
        .editStatus(
            d -> {
              d.getStatus().setNumberReady(1);
              d.getStatus().setNumberAvailable(1);
              return d;
            });
    assertThat(ClusterStatus.of(cluster).healthy()).isTrue();
  }
}
