package dev.kldload.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.core.process.Programs;
import dev.kldload.core.testing.Requirements;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeLoadImagesCommandTest {
  @TempDir Path dir;

  RecordingCli cli() {
    return new RecordingCli()
        .env("KLDLOAD_NODE_ROOT", dir.resolve("node").toString())
        .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
        .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString());
  }

  /** A one-entry tar (docker save layout) naming {@code tag}. */
  static byte[] dockerArchive(String tag) {
    byte[] body =
        ("[{\"Config\":\"c.json\",\"RepoTags\":[\"" + tag + "\"],\"Layers\":[]}]")
            .getBytes(StandardCharsets.UTF_8);
    byte[] header = new byte[512];
    byte[] name = "manifest.json".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, header, 0, name.length);
    byte[] size = String.format("%011o", body.length).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(size, 0, header, 124, size.length);
    header[156] = '0';
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    out.writeBytes(body);
    out.writeBytes(new byte[(512 - body.length % 512) % 512]);
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  @Test
  @DisplayName("a missing image directory is not an error: exit 0, nothing run")
  void missingDir() {
    RecordingCli cli = cli();
    CliHarness.Result r = cli.exec("kube-load-images", dir.resolve("none").toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.err()).contains("no image archives");
    assertThat(cli.ran).isEmpty();
  }

  @Test
  @DisplayName("imports each archive into the k8s.io namespace and reports the count")
  void imports() throws Exception {
    Requirements.require(
        Programs.which("ctr").isPresent(), "needs ctr on PATH (apt-get install containerd)");
    Path images = Files.createDirectories(dir.resolve("images"));
    Files.write(images.resolve("pause.tar"), dockerArchive("registry.k8s.io/pause:3.10"));
    Files.write(images.resolve("nginx.tar"), dockerArchive("nginx:alpine"));
    RecordingCli cli = cli();
    CliHarness.Result r = cli.exec("kube-load-images", images.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    // archives are independent steps: the engine may import them in parallel
    assertThat(cli.ran.stream().filter(s -> !s.readOnly()).map(s -> s.argv()))
        .containsExactlyInAnyOrder(
            List.of(
                "ctr", "-n", "k8s.io", "images", "import", images.resolve("nginx.tar").toString()),
            List.of(
                "ctr", "-n", "k8s.io", "images", "import", images.resolve("pause.tar").toString()));
    assertThat(r.err()).contains("2 applied");
  }
}
