package dev.kldload.kube.cluster.fabric8;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The API's /readyz on the fabric8 adapter, against fabric8's KubernetesMockServer (a mock). */
@EnableKubernetesMockClient
class Fabric8ClusterReadyzMockServerTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  @DisplayName("mock API: /readyz 'ok' is ready; another answer, or none (404), is not")
  void readyz() {
    Fabric8Cluster cluster = new Fabric8Cluster(client, Conditions.system(new CancellationToken()));
    server.expect().get().withPath("/readyz").andReturn(200, "ok").once();
    server.expect().get().withPath("/readyz").andReturn(200, "[-]etcd failed").once();
    assertThat(cluster.readyz()).isTrue();
    assertThat(cluster.readyz()).isFalse();
    assertThat(cluster.readyz()).isFalse();
  }
}
