package dev.kldload.kube.cluster.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.value.DatasetName;
import dev.kldload.kube.cluster.AdminConfs;
import dev.kldload.kube.cluster.MockApi;
import dev.kldload.kube.cluster.NodeInfo;
import dev.kldload.kube.cluster.PodInfo;
import dev.kldload.kube.cluster.Taint;
import dev.kldload.kube.cluster.WorkloadStatus;
import dev.kldload.kube.render.ControlPlaneArtifacts;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fabric8 adapter against fabric8's KubernetesMockServer in CRUD mode. It is a mock: no
 * controllers run (tests write status themselves), no server-side apply, no strategic merge patch.
 */
@EnableKubernetesMockClient(crud = true)
class Fabric8ClusterMockServerTest {
  KubernetesClient client;
  Fabric8Cluster cluster;

  @BeforeEach
  void setUp() {
    cluster = new Fabric8Cluster(client, MockApi.quickConditions());
  }

  Node node(String name, boolean ready, String role) {
    NodeBuilder b =
        MockApi.nodeBuilder(name, ready)
            .editMetadata()
            .addToLabels("kubernetes.io/hostname", name)
            .addToLabels("node-role.kubernetes.io/" + role, "")
            .endMetadata()
            .withNewSpec()
            .endSpec()
            .editStatus()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress("10.251.0." + name.charAt(name.length() - 1))
            .endAddress()
            .withNewNodeInfo()
            .withKubeletVersion("v1.32.3")
            .endNodeInfo()
            .endStatus();
    return client.nodes().resource(b.build()).create();
  }

  @Test
  @DisplayName("lists nodes with readiness, roles, address and kubelet version")
  void nodes() {
    node("cp-1", true, "control-plane");
    node("w-2", false, "worker");
    List<NodeInfo> nodes = cluster.nodes();
    assertThat(nodes).extracting(NodeInfo::name).containsExactlyInAnyOrder("cp-1", "w-2");
    NodeInfo cp = cluster.node("cp-1").orElseThrow();
    assertThat(cp.ready()).isTrue();
    assertThat(cp.roles()).containsExactly("control-plane");
    assertThat(cp.internalIp()).contains("10.251.0.1");
    assertThat(cp.kubeletVersion()).isEqualTo("v1.32.3");
    assertThat(cluster.node("w-2").orElseThrow().ready()).isFalse();
    assertThat(cluster.node("absent")).isEmpty();
  }

  @Test
  @DisplayName("sets and removes labels; adds, replaces and removes taints")
  void labelsAndTaints() {
    node("cp-1", true, "control-plane");
    cluster.label("cp-1", "kldload.dev/cluster", Optional.of("c1"));
    assertThat(cluster.node("cp-1").orElseThrow().labels())
        .containsEntry("kldload.dev/cluster", "c1");
    cluster.label("cp-1", "kldload.dev/cluster", Optional.empty());
    assertThat(cluster.node("cp-1").orElseThrow().labels())
        .doesNotContainKey("kldload.dev/cluster");

    cluster.taint("cp-1", new Taint("dedicated", Optional.of("db"), "NoSchedule"));
    cluster.taint("cp-1", new Taint("dedicated", Optional.of("web"), "NoSchedule"));
    assertThat(cluster.node("cp-1").orElseThrow().taints())
        .containsExactly(new Taint("dedicated", Optional.of("web"), "NoSchedule"));
    cluster.untaint("cp-1", "dedicated", Optional.empty());
    assertThat(cluster.node("cp-1").orElseThrow().taints()).isEmpty();

    assertThatThrownBy(() -> cluster.label("nope", "a", Optional.of("b")))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }

  @Test
  @DisplayName("waits for a node to become Ready, and times out with TIMEOUT when it never does")
  void awaitReady() throws Exception {
    node("w-1", false, "worker");
    CompletableFuture<NodeInfo> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return cluster.awaitNodeReady("w-1", Duration.ofSeconds(20));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    client
        .nodes()
        .withName("w-1")
        .editStatus(
            n -> {
              n.getStatus().getConditions().get(0).setStatus("True");
              return n;
            });
    assertThat(waiting.get().ready()).isTrue();

    node("w-2", false, "worker");
    assertThatThrownBy(() -> cluster.awaitNodeReady("w-2", Duration.ofMillis(300)))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT))
        .hasMessageContaining("node w-2 to be Ready");
  }

  @Test
  @DisplayName("apply creates objects, then replaces them on a second apply")
  void apply() {
    String v1 =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\n"
            + "data:\n  k: one\n---\n"
            + ControlPlaneArtifacts.zfsStorage(DatasetName.of("rpool/k8s-volumes"));
    assertThat(cluster.apply(v1))
        .containsExactly(
            "ConfigMap/c",
            "StorageClass/zfs",
            "StorageClass/zfs-db",
            "VolumeSnapshotClass/zfs-snapshot");
    assertThat(client.storage().v1().storageClasses().withName("zfs-db").get().getParameters())
        .containsEntry("recordsize", "8k");
    assertThat(
            client
                .genericKubernetesResources(
                    new ResourceDefinitionContext.Builder()
                        .withGroup("snapshot.storage.k8s.io")
                        .withVersion("v1")
                        .withKind("VolumeSnapshotClass")
                        .withPlural("volumesnapshotclasses")
                        .withNamespaced(false)
                        .build())
                .withName("zfs-snapshot")
                .get()
                .get("driver")
                .toString())
        .isEqualTo("zfs.csi.openebs.io");
    cluster.apply(v1.replace("k: one", "k: two"));
    assertThat(client.configMaps().inNamespace("default").withName("c").get().getData())
        .isEqualTo(Map.of("k", "two"));
    assertThatThrownBy(() -> cluster.apply("just: text\n"))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT));
  }

  @Test
  @DisplayName("lists pods of one namespace with phase, readiness, node and restarts")
  void pods() {
    client
        .pods()
        .inNamespace("kube-system")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("cilium-abc")
                .endMetadata()
                .withNewSpec()
                .withNodeName("cp-1")
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP("10.244.0.5")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .addNewContainerStatus()
                .withName("agent")
                .withRestartCount(2)
                .endContainerStatus()
                .endStatus()
                .build())
        .create();
    client
        .pods()
        .inNamespace("default")
        .resource(new PodBuilder().withNewMetadata().withName("other").endMetadata().build())
        .create();
    List<PodInfo> pods = cluster.pods("kube-system");
    assertThat(pods)
        .containsExactly(
            new PodInfo(
                "kube-system",
                "cilium-abc",
                "Running",
                true,
                Optional.of("cp-1"),
                Optional.of("10.244.0.5"),
                2));
  }

  @Test
  @DisplayName("Deployment readiness follows its status; the wait returns once it is complete")
  void deploymentReadiness() throws Exception {
    client
        .apps()
        .deployments()
        .inNamespace("kube-system")
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("hubble-relay")
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .endSpec()
                .build())
        .create();
    WorkloadStatus before = cluster.deployment("kube-system", "hubble-relay").orElseThrow();
    assertThat(before.complete()).isFalse();
    assertThatThrownBy(
            () ->
                cluster.awaitWorkloadReady(
                    WorkloadStatus.Kind.DEPLOYMENT,
                    "kube-system",
                    "hubble-relay",
                    Duration.ofMillis(300)))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
              assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("0/2 ready"));
            });
    client
        .apps()
        .deployments()
        .inNamespace("kube-system")
        .withName("hubble-relay")
        .editStatus(
            d -> {
              d.setStatus(
                  new DeploymentStatusBuilder()
                      .withReadyReplicas(2)
                      .withUpdatedReplicas(2)
                      .withAvailableReplicas(2)
                      .build());
              return d;
            });
    WorkloadStatus after =
        cluster.awaitWorkloadReady(
            WorkloadStatus.Kind.DEPLOYMENT, "kube-system", "hubble-relay", Duration.ofSeconds(10));
    assertThat(after.complete()).isTrue();
    assertThat(cluster.daemonSet("kube-system", "cilium")).isEmpty();
  }

  @Test
  @DisplayName("connects through a kubeconfig file naming the API server")
  void openFromKubeconfig(@TempDir Path dir) throws Exception {
    node("cp-1", true, "control-plane");
    String server = client.getConfiguration().getMasterUrl();
    Path kubeconfig = dir.resolve("admin.conf");
    Files.writeString(kubeconfig, AdminConfs.withToken(server));
    try (Fabric8Cluster opened =
        Fabric8Cluster.open(
            kubeconfig, Optional.empty(), Conditions.system(new CancellationToken()))) {
      assertThat(opened.nodes()).extracting(NodeInfo::name).containsExactly("cp-1");
    }
  }
}
