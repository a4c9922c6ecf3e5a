package dev.kldload.kube.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kldload.core.testing.GoldenFiles;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KubeadmJoinConfigTest {
  static final String TOKEN = "abcdef.0123456789abcdef";
  static final String HASH = "sha256:" + "0123456789abcdef".repeat(4);

  @Test
  @DisplayName("a worker's JoinConfiguration: kubeadm v1beta4, token discovery pinned to the CA")
  void worker() throws Exception {
    String yaml = new KubeadmJoinConfig("10.251.0.1:6443", TOKEN, HASH, Optional.empty()).render();
    GoldenFiles.assertMatches("kubeadm-join-worker.yaml", yaml);
    JsonNode doc = new YAMLMapper().readTree(yaml);
    assertThat(doc.get("apiVersion").asText()).isEqualTo("kubeadm.k8s.io/v1beta4");
    assertThat(doc.get("kind").asText()).isEqualTo("JoinConfiguration");
    assertThat(doc.at("/discovery/bootstrapToken/apiServerEndpoint").asText())
        .isEqualTo("10.251.0.1:6443");
    assertThat(doc.at("/discovery/bootstrapToken/token").asText()).isEqualTo(TOKEN);
    assertThat(doc.at("/discovery/bootstrapToken/caCertHashes/0").asText()).isEqualTo(HASH);
    assertThat(doc.has("controlPlane")).isFalse();
  }

  @Test
  @DisplayName(
      "a control plane's: advertise address, certificate key, and the kubelet's node-ip on it")
  void controlPlane() throws Exception {
    String yaml =
        new KubeadmJoinConfig(
                "192.168.122.240:6443",
                TOKEN,
                HASH,
                Optional.of(
                    new KubeadmJoinConfig.ControlPlane("10.251.0.2", 6443, "ab".repeat(32))))
            .render();
    GoldenFiles.assertMatches("kubeadm-join-cp.yaml", yaml);
    JsonNode doc = new YAMLMapper().readTree(yaml);
    assertThat(doc.at("/controlPlane/localAPIEndpoint/advertiseAddress").asText())
        .isEqualTo("10.251.0.2");
    assertThat(doc.at("/controlPlane/localAPIEndpoint/bindPort").asInt()).isEqualTo(6443);
    assertThat(doc.at("/controlPlane/certificateKey").asText()).isEqualTo("ab".repeat(32));
    assertThat(doc.at("/nodeRegistration/kubeletExtraArgs/0/name").asText()).isEqualTo("node-ip");
    assertThat(doc.at("/nodeRegistration/kubeletExtraArgs/0/value").asText())
        .isEqualTo("10.251.0.2");
  }
}
