package dev.kldload.kube.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kldload.core.config.Config;
import dev.kldload.core.config.ConfigLoader;
import dev.kldload.core.testing.GoldenFiles;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.HostName;
import dev.kldload.core.value.NodeId;
import dev.kldload.kube.KubeNetwork;
import dev.kldload.net.NetworkPlan;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ControlPlaneArtifactsTest {
  static final KubernetesSerialization K8S = new KubernetesSerialization();
  static final YAMLMapper YAML = new YAMLMapper();

  static KubeNetwork network(boolean vip) {
    NetworkPlan plan = NetworkPlan.defaults();
    return KubeNetwork.of(
        plan,
        Cidr.parseAddress("192.168.122.10"),
        NodeId.of(1),
        vip ? Optional.of(plan.apiVipAddress()) : Optional.empty());
  }

  static ControlPlaneArtifacts artifacts(boolean vip) {
    return new ControlPlaneArtifacts(
        HostName.of("kldload-cp-1"), "kldload", "v1.32.3", network(vip));
  }

  /** Each document parsed by fabric8's own model classes, as the API server would see them. */
  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\n")) {
      out.add(K8S.unmarshal(doc));
    }
    return out;
  }

  static List<JsonNode> docs(String yaml) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\n")) {
      out.add(YAML.readTree(doc));
    }
    return out;
  }

  @Test
  @DisplayName("kubeadm config: no kube-proxy, plan CIDRs, both WireGuard addresses in the SANs")
  void kubeadm() throws Exception {
    String yaml = artifacts(false).kubeadmConfig();
    GoldenFiles.assertMatches("kubeadm-config.yaml", yaml);
    List<JsonNode> docs = docs(yaml);
    assertThat(docs)
        .extracting(d -> d.get("kind").asText())
        .containsExactly("InitConfiguration", "ClusterConfiguration", "KubeletConfiguration");
    assertThat(docs)
        .extracting(d -> d.get("apiVersion").asText())
        .containsExactly(
            "kubeadm.k8s.io/v1beta4", "kubeadm.k8s.io/v1beta4", "kubelet.config.k8s.io/v1beta1");
    JsonNode cluster = docs.get(1);
    assertThat(docs.get(0).get("skipPhases").toString()).contains("addon/kube-proxy");
    assertThat(cluster.at("/proxy/disabled").asBoolean()).isTrue();
    assertThat(cluster.at("/networking/podSubnet").asText()).isEqualTo("10.244.0.0/16");
    assertThat(cluster.at("/networking/serviceSubnet").asText()).isEqualTo("10.96.0.0/16");
    assertThat(cluster.at("/apiServer/certSANs").toString())
        .contains("\"10.250.0.1\"", "\"10.251.0.1\"", "\"192.168.122.10\"");
    assertThat(cluster.has("controlPlaneEndpoint")).isFalse();
  }

  @Test
  @DisplayName("kubeadm config with a VIP: it is the control-plane endpoint and a SAN")
  void kubeadmWithVip() throws Exception {
    String yaml = artifacts(true).kubeadmConfig();
    GoldenFiles.assertMatches("kubeadm-config-vip.yaml", yaml);
    JsonNode cluster = docs(yaml).get(1);
    assertThat(cluster.get("controlPlaneEndpoint").asText()).isEqualTo("192.168.122.240:6443");
    assertThat(cluster.at("/apiServer/certSANs").toString()).contains("\"192.168.122.240\"");
  }

  @Test
  @DisplayName(
      "Cilium values: kube-proxy replacement, MTU from the plan, Hubble relay+UI, Gateway API")
  void cilium() throws Exception {
    String yaml = artifacts(false).ciliumValues();
    GoldenFiles.assertMatches("cilium-values.yaml", yaml);
    JsonNode v = YAML.readTree(yaml);
    assertThat(v.get("kubeProxyReplacement").asBoolean()).isTrue();
    assertThat(v.get("MTU").asInt()).isEqualTo(1370);
    assertThat(v.at("/hubble/relay/enabled").asBoolean()).isTrue();
    assertThat(v.at("/hubble/ui/enabled").asBoolean()).isTrue();
    assertThat(v.at("/gatewayAPI/enabled").asBoolean()).isTrue();
    assertThat(v.at("/ipam/operator/clusterPoolIPv4PodCIDRList/0").asText())
        .isEqualTo("10.244.0.0/16");
  }

  @Test
  @DisplayName(
      "net.* configuration reaches kubeadm (advertise address, SANs, pod/service subnets) and Cilium")
  void configuredPlan() throws Exception {
    Config config =
        new ConfigLoader(
                Map.of(
                    "KLDLOAD_NET_K8S_SUBNET", "10.61.0.0/24",
                    "KLDLOAD_NET_MGMT_SUBNET", "10.60.0.0/24",
                    "KLDLOAD_NET_POD_CIDR", "10.32.0.0/16",
                    "KLDLOAD_NET_SERVICE_CIDR", "10.33.0.0/16",
                    "KLDLOAD_NET_WIREGUARD_MTU", "1400"),
                List.of())
            .load(Optional.empty(), Map.of());
    KubeNetwork network =
        KubeNetwork.of(
            NetworkPlan.fromConfig(config),
            Cidr.parseAddress("192.168.122.10"),
            NodeId.of(2),
            Optional.empty());
    ControlPlaneArtifacts a =
        new ControlPlaneArtifacts(HostName.of("kldload-cp-2"), "kldload", "v1.32.3", network);
    List<JsonNode> kubeadm = docs(a.kubeadmConfig());
    assertThat(kubeadm.get(0).at("/localAPIEndpoint/advertiseAddress").asText())
        .isEqualTo("10.61.0.2");
    JsonNode cluster = kubeadm.get(1);
    assertThat(cluster.at("/networking/podSubnet").asText()).isEqualTo("10.32.0.0/16");
    assertThat(cluster.at("/networking/serviceSubnet").asText()).isEqualTo("10.33.0.0/16");
    assertThat(cluster.at("/apiServer/certSANs").toString())
        .contains("\"10.60.0.2\"", "\"10.61.0.2\"", "\"10.33.0.1\"")
        .doesNotContain("10.250.", "10.251.", "10.96.");
    JsonNode cilium = YAML.readTree(a.ciliumValues());
    assertThat(cilium.get("MTU").asInt()).as("1400 - 50 VXLAN").isEqualTo(1350);
    assertThat(cilium.get("k8sServiceHost").asText()).isEqualTo("10.61.0.2");
    assertThat(cilium.at("/ipam/operator/clusterPoolIPv4PodCIDRList/0").asText())
        .isEqualTo("10.32.0.0/16");
  }

  @Test
  @DisplayName(
      "MetalLB pool and L2 advertisement parse as Kubernetes objects and name the same pool")
  void metallb() {
    String yaml = artifacts(false).metallb();
    GoldenFiles.assertMatches("metallb.yaml", yaml);
    List<HasMetadata> objects = parse(yaml);
    assertThat(objects)
        .allSatisfy(o -> assertThat(o).isInstanceOf(GenericKubernetesResource.class));
    GenericKubernetesResource pool = (GenericKubernetesResource) objects.get(0);
    GenericKubernetesResource l2 = (GenericKubernetesResource) objects.get(1);
    assertThat(pool.getKind()).isEqualTo("IPAddressPool");
    assertThat(pool.getMetadata().getNamespace()).isEqualTo("metallb-system");
    assertThat(pool.get("spec", "addresses").toString())
        .isEqualTo("[192.168.122.200-192.168.122.220]");
    assertThat(l2.getKind()).isEqualTo("L2Advertisement");
    assertThat(l2.get("spec", "ipAddressPools").toString())
        .isEqualTo("[" + pool.getMetadata().getName() + "]");
  }

  @Test
  @DisplayName("ZFS LocalPV: StorageClasses zfs (128k, default) and zfs-db (8k), snapshot class")
  void storage() {
    String yaml = ControlPlaneArtifacts.zfsStorage(DatasetName.of("rpool/k8s-volumes"));
    GoldenFiles.assertMatches("zfs-storage.yaml", yaml);
    List<HasMetadata> objects = parse(yaml);
    StorageClass zfs = (StorageClass) objects.get(0);
    StorageClass db = (StorageClass) objects.get(1);
    assertThat(zfs.getMetadata().getName()).isEqualTo("zfs");
    assertThat(zfs.getParameters())
        .containsEntry("recordsize", "128k")
        .containsEntry("poolname", "rpool/k8s-volumes");
    assertThat(zfs.getMetadata().getAnnotations())
        .containsEntry("storageclass.kubernetes.io/is-default-class", "true");
    assertThat(db.getMetadata().getName()).isEqualTo("zfs-db");
    assertThat(db.getParameters()).containsEntry("recordsize", "8k");
    assertThat(db.getVolumeBindingMode()).isEqualTo("WaitForFirstConsumer");
    assertThat(objects.get(2).getKind()).isEqualTo("VolumeSnapshotClass");
    assertThat(((GenericKubernetesResource) objects.get(2)).get("driver").toString())
        .isEqualTo("zfs.csi.openebs.io");
  }

  @Test
  @DisplayName(
      "GatewayClass parses as the Gateway API model; metrics-server values skip insecure TLS")
  void gatewayAndMetrics() {
    String gc = artifacts(false).gatewayClass();
    GoldenFiles.assertMatches("gatewayclass.yaml", gc);
    GatewayClass parsed = (GatewayClass) parse(gc).get(0);
    assertThat(parsed.getSpec().getControllerName()).isEqualTo("io.cilium/gateway-controller");
    String metrics = ControlPlaneArtifacts.metricsServerValues();
    GoldenFiles.assertMatches("metrics-server-values.yaml", metrics);
    assertThat(metrics).doesNotContain("insecure");
  }

  @Test
  @DisplayName(
      "Prometheus kubelet access parses as ServiceAccount, ClusterRole (read kubelet metrics only)"
          + " and its binding; Tetragon values as the original")
  void optionalComponents() throws Exception {
    String yaml = ControlPlaneArtifacts.prometheusKubeletAccess();
    GoldenFiles.assertMatches("prometheus-kubelet.yaml", yaml);
    List<HasMetadata> objects = parse(yaml);
    ServiceAccount account = (ServiceAccount) objects.get(0);
    ClusterRole role = (ClusterRole) objects.get(1);
    ClusterRoleBinding binding = (ClusterRoleBinding) objects.get(2);
    assertThat(account.getMetadata().getNamespace()).isEqualTo("kube-system");
    assertThat(role.getRules())
        .allSatisfy(r -> assertThat(r.getVerbs()).containsExactly("get"))
        .anySatisfy(
            r ->
                assertThat(r.getResources())
                    .containsExactly("nodes/metrics", "nodes/proxy", "nodes/stats"))
        .anySatisfy(r -> assertThat(r.getNonResourceURLs()).containsExactly("/metrics"));
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            sub -> {
              assertThat(sub.getName()).isEqualTo(account.getMetadata().getName());
              assertThat(sub.getNamespace()).isEqualTo("kube-system");
            });
    String tetragon = ControlPlaneArtifacts.tetragonValues();
    GoldenFiles.assertMatches("tetragon-values.yaml", tetragon);
    JsonNode v = YAML.readTree(tetragon);
    assertThat(v.at("/tetragon/enableProcessCred").asBoolean()).isTrue();
    assertThat(v.at("/tetragon/enableProcessNs").asBoolean()).isTrue();
    assertThat(v.at("/tetragonOperator/install").asBoolean()).isTrue();
  }
}
