package dev.kldload.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
}
