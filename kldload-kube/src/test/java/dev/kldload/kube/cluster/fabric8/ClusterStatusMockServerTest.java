package dev.kldload.kube.cluster.fabric8;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.kube.cluster.ClusterStatus;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
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
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("cp-1")
                .endMetadata()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .create();
    client
        .apps()
        .daemonSets()
        .inNamespace("kube-system")
        .resource(
            new DaemonSetBuilder()
                .withNewMetadata()
                .withName("cilium")
                .endMetadata()
                .withNewStatus()
                .withDesiredNumberScheduled(1)
                .withNumberReady(0)
                .withUpdatedNumberScheduled(1)
                .withNumberAvailable(0)
                .endStatus()
                .build())
        .create();
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
