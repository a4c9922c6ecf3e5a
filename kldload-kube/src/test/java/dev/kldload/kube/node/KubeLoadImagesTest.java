package dev.kldload.kube.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.ExitCode;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.StepStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeLoadImagesTest {
  @TempDir Path dir;

  static byte[] tar(String entry, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] header = new byte[512];
    byte[] name = entry.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, header, 0, name.length);
    byte[] size = String.format("%011o", body.length).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(size, 0, header, 124, size.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    out.writeBytes(body);
    out.writeBytes(new byte[(512 - body.length % 512) % 512]);
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  @Test
  @DisplayName("reads image names from docker and OCI archives, as containerd names them")
  void refs() throws Exception {
    Path docker = dir.resolve("a.tar");
    Files.write(
        docker,
        tar(
            "manifest.json",
            "[{\"RepoTags\":[\"nginx:alpine\",\"quay.io/cilium/cilium:v1.16.5\"]}]"));
    Path oci = dir.resolve("b.tar");
    Files.write(
        oci,
        tar(
            "index.json",
            "{\"manifests\":[{\"annotations\":{\"io.containerd.image.name\":\"registry.k8s.io/pause:3.10\"}}]}"));
    assertThat(KubeLoadImages.imageRefs(docker))
        .containsExactly("docker.io/library/nginx:alpine", "quay.io/cilium/cilium:v1.16.5");
    assertThat(KubeLoadImages.imageRefs(oci)).containsExactly("registry.k8s.io/pause:3.10");
    assertThat(KubeLoadImages.normalise("bitnami/redis:7")).isEqualTo("docker.io/bitnami/redis:7");
    assertThat(KubeLoadImages.normalise("localhost:5000/x:1")).isEqualTo("localhost:5000/x:1");
  }

  @Test
  @DisplayName("imports only archives whose images containerd lacks; a failed import is exit 3")
  void importsMissingOnly() throws Exception {
    Files.write(
        dir.resolve("pause.tar"),
        tar("manifest.json", "[{\"RepoTags\":[\"registry.k8s.io/pause:3.10\"]}]"));
    Files.write(
        dir.resolve("nginx.tar"), tar("manifest.json", "[{\"RepoTags\":[\"nginx:alpine\"]}]"));
    Files.write(
        dir.resolve("broken.tar"), tar("manifest.json", "[{\"RepoTags\":[\"x/broken:1\"]}]"));
    ScriptedRunner runner =
        new ScriptedRunner()
            .on(
                "ctr",
                a -> a.contains("broken.tar") || a.get(a.size() - 1).endsWith("broken.tar") ? 1 : 0)
            .output("ctr", a -> a.contains("ls") ? "registry.k8s.io/pause:3.10\n" : "");
    KubeLoadImages tool = new KubeLoadImages(new NodeSystem(dir, runner));
    PlanResult result = PlanEngine.quiet(1).run(tool.plan(KubeLoadImages.archives(dir)), false);
    assertThat(result.exitCode()).isEqualTo(ExitCode.DEGRADED);
    assertThat(result.withStatus(StepStatus.ALREADY_DONE))
        .extracting(o -> o.stepId())
        .containsExactly("import-pause");
    assertThat(result.withStatus(StepStatus.APPLIED))
        .extracting(o -> o.stepId())
        .containsExactly("import-nginx");
    assertThat(result.withStatus(StepStatus.FAILED))
        .extracting(o -> o.stepId())
        .containsExactly("import-broken");
    assertThat(
            runner.calls.stream().filter(c -> c.contains("import")).map(c -> c.get(c.size() - 1)))
        .containsExactlyInAnyOrder(
            dir.resolve("broken.tar").toString(), dir.resolve("nginx.tar").toString());
    assertThat(KubeLoadImages.archives(dir.resolve("absent"))).isEqualTo(List.of());
  }
}
