package dev.kldload.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.core.process.Programs;
import dev.kldload.core.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kube-load-images for real needs containerd's ctr on PATH; its runs are still recorded here. */
class KubeLoadImagesCommandIT {
  @TempDir Path dir;

  RecordingCli cli() {
    return new RecordingCli()
        .env("KLDLOAD_NODE_ROOT", dir.resolve("node").toString())
        .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
        .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString());
  }

  @Test
  @DisplayName("imports each archive into the k8s.io namespace and reports the count")
  void imports() throws Exception {
    Requirements.require(
        Programs.which("ctr").isPresent(), "needs ctr on PATH (apt-get install containerd)");
    Path images = Files.createDirectories(dir.resolve("images"));
    Files.write(
        images.resolve("pause.tar"),
        KubeLoadImagesCommandTest.dockerArchive("registry.k8s.io/pause:3.10"));
    Files.write(
        images.resolve("nginx.tar"), KubeLoadImagesCommandTest.dockerArchive("nginx:alpine"));
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
