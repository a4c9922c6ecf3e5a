package dev.kldload.kube.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kldload.core.KldloadException;
import dev.kldload.core.testing.GoldenFiles;
import dev.kldload.core.value.Cidr;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KubeVipTest {
  static final KubeVip VIP =
      new KubeVip(
          Cidr.parseAddress("192.168.122.240"),
          "enp1s0",
          "registry.example/kube-vip/kube-vip:v1.2.4",
          6443,
          "/etc/kubernetes/super-admin.conf");

  @Test
  @DisplayName(
      "the static pod parses as a fabric8 Pod: host network, ARP with leader election on the"
          + " interface, the VIP, the pinned image, NET_ADMIN, the kubeconfig mounted")
  void manifest() throws Exception {
    String yaml = VIP.manifest();
    GoldenFiles.assertMatches("kube-vip.yaml", yaml);
    // fabric8 coerces a number into a string field; the kubelet's strict decoder does not
    assertThat(new YAMLMapper().readTree(yaml).at("/spec/containers/0/env").findValues("value"))
        .allSatisfy(v -> assertThat(v.isTextual()).as(v.toString()).isTrue());
    Pod pod = new KubernetesSerialization().unmarshal(yaml, Pod.class);
    assertThat(pod.getMetadata().getName()).isEqualTo("kube-vip");
    assertThat(pod.getMetadata().getNamespace()).isEqualTo("kube-system");
    assertThat(pod.getSpec().getHostNetwork()).isTrue();
    Container c = pod.getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("registry.example/kube-vip/kube-vip:v1.2.4");
    assertThat(c.getArgs()).containsExactly("manager");
    Map<String, String> env =
        c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env)
        .containsEntry("vip_arp", "true")
        .containsEntry("vip_interface", "enp1s0")
        .containsEntry("address", "192.168.122.240")
        .containsEntry("port", "6443")
        .containsEntry("cp_enable", "true")
        .containsEntry("vip_leaderelection", "true");
    assertThat(c.getSecurityContext().getCapabilities().getAdd())
        .containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW");
    assertThat(c.getVolumeMounts().get(0).getMountPath()).isEqualTo("/etc/kubernetes/admin.conf");
    assertThat(pod.getSpec().getVolumes().get(0).getHostPath().getPath())
        .isEqualTo("/etc/kubernetes/super-admin.conf");
  }

  @Test
  @DisplayName("an unpinned image or a bad interface name is exit 2")
  void invalid() {
    assertThatThrownBy(
            () ->
                new KubeVip(
                    Cidr.parseAddress("192.168.122.240"),
                    "enp1s0",
                    "registry.example/kube-vip/kube-vip:latest",
                    6443,
                    "/etc/kubernetes/admin.conf"))
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining("not pinned");
    assertThatThrownBy(
            () ->
                new KubeVip(
                    Cidr.parseAddress("192.168.122.240"),
                    "enp1s0",
                    "registry.example/kube-vip/kube-vip",
                    6443,
                    "/etc/kubernetes/admin.conf"))
        .isInstanceOf(KldloadException.class);
    assertThatThrownBy(
            () ->
                new KubeVip(
                    Cidr.parseAddress("192.168.122.240"),
                    "eth0; reboot",
                    "registry.example/kube-vip/kube-vip:v1.2.4",
                    6443,
                    "/etc/kubernetes/admin.conf"))
        .isInstanceOf(KldloadException.class);
  }
}
