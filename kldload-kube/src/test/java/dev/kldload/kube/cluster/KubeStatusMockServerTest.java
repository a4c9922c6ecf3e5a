package dev.kldload.kube.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.kube.cluster.fabric8.Fabric8Cluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kube-status service against fabric8's KubernetesMockServer (CRUD mock). */
@EnableKubernetesMockClient(crud = true)
class KubeStatusMockServerTest {
  KubernetesClient client;
  @TempDir Path dir;
  final List<Path> opened = new ArrayList<>();

  KubeStatus service() {
    return new KubeStatus(
        dir.resolve("etc/kubernetes/admin.conf"),
        dir.resolve("home/.kube/config"),
        config -> {
          opened.add(config);
          // the service closes what it opens: a client of its own on the same mock server
          return new Fabric8Cluster(
              new KubernetesClientBuilder().withConfig(client.getConfiguration()).build(),
              Conditions.system(new CancellationToken()));
        });
  }

  @Test
  @DisplayName("a given kubeconfig that does not exist is NOT_FOUND naming it; nothing is opened")
  void missingKubeconfig() {
    Path missing = dir.resolve("nope.conf");
    assertThatThrownBy(() -> service().status(new KubeStatus.Request(Optional.of(missing))))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
        .hasMessageContaining(missing.toString());
    assertThat(opened).isEmpty();
  }

  @Test
  @DisplayName("without --kubeconfig: the node's admin.conf when present, else ~/.kube/config")
  void defaultKubeconfig() throws Exception {
    KubeStatus.Report user = service().status(new KubeStatus.Request(Optional.empty()));
    assertThat(user.kubeconfig()).isEqualTo(dir.resolve("home/.kube/config").toString());
    Files.createDirectories(dir.resolve("etc/kubernetes"));
    Files.writeString(dir.resolve("etc/kubernetes/admin.conf"), "x");
    KubeStatus.Report admin = service().status(new KubeStatus.Request(Optional.empty()));
    assertThat(admin.kubeconfig()).isEqualTo(dir.resolve("etc/kubernetes/admin.conf").toString());
    assertThat(opened)
        .containsExactly(
            dir.resolve("home/.kube/config"), dir.resolve("etc/kubernetes/admin.conf"));
  }

  @Test
  @DisplayName("the report lists nodes and add-ons; healthy only when every node is Ready")
  void report() {
    MockApi.node(client, "cp-1", false);
    KubeStatus.Report r = service().status(new KubeStatus.Request(Optional.empty()));
    assertThat(r.healthy()).isFalse();
    assertThat(r.nodes()).extracting(KubeStatus.NodeView::name).containsExactly("cp-1");
    assertThat(r.nodes().get(0).ready()).isFalse();
    assertThat(r.components())
        .extracting(KubeStatus.ComponentView::name)
        .contains("cilium", "coredns", "metallb-controller");
    assertThat(r.components()).allSatisfy(c -> assertThat(c.installed()).isFalse());
  }
}
