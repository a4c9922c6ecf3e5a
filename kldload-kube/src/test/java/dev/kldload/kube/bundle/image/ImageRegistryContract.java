package dev.kldload.kube.bundle.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link ImageRegistry} does, the in-memory fake and the real client against a real
 * registry alike. Subclasses push {@link TestImages} their own way.
 */
public abstract class ImageRegistryContract {
  @TempDir protected Path dir;

  protected abstract ImageRegistry registry();

  /** The registry host[:port] the subclass pushes to. */
  protected abstract String host();

  /**
   * Pushes {@link TestImages#image} per arch under {@code ref}: one arch a manifest, more an OCI
   * index. Returns arch → image manifest digest, and the index's digest under {@code "index"}.
   */
  protected abstract Map<String, String> push(ImageRef ref, List<String> arches) throws Exception;

  /** Replaces the stored bytes of blob {@code digest} with other bytes of the same length. */
  protected abstract void corrupt(ImageRef ref, String digest) throws Exception;

  /** A reference on a registry nothing answers. */
  protected abstract ImageRef unreachable();

  private ImageRef ref(String repository, String tag) {
    return ImageRef.parse(host() + "/" + repository + ":" + tag);
  }

  @Test
  @DisplayName("resolve gives the digest of the manifest the tag names")
  void resolvesSingleManifest() throws Exception {
    ImageRef ref = ref("kldload/pause", "3.10");
    String pushed = push(ref, List.of("amd64")).get("amd64");

    assertThat(registry().resolve(ref, "amd64")).isEqualTo(pushed);
  }

  @Test
  @DisplayName("resolve of an index gives the platform's manifest, and notFound for a missing one")
  void resolvesIndexPerPlatform() throws Exception {
    ImageRef ref = ref("kldload/multi", "v1.2.0");
    Map<String, String> pushed = push(ref, List.of("amd64", "arm64"));

    assertThat(registry().resolve(ref, "amd64")).isEqualTo(pushed.get("amd64"));
    assertThat(registry().resolve(ref, "arm64")).isEqualTo(pushed.get("arm64"));
    assertThat(pushed.get("amd64")).isNotEqualTo(pushed.get("arm64"));
    assertThatThrownBy(() -> registry().resolve(ref, "s390x"))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
        .hasMessageContaining(ref.name());
  }

  @Test
  @DisplayName("pull writes an OCI archive naming the image, with every blob under its own digest")
  void pullWritesVerifiedArchive() throws Exception {
    ImageRef ref = ref("kldload/multi", "v2.0.1");
    String digest = push(ref, List.of("amd64", "arm64")).get("amd64");
    Path target = dir.resolve("images").resolve("multi.tar");
    Files.createDirectories(target.getParent());
    AtomicLong bytes = new AtomicLong();

    String sha = registry().pull(ref, digest, "amd64", target, bytes::set);

    assertThat(sha).isEqualTo(sha256(target)).matches("[0-9a-f]{64}");
    Map<String, byte[]> entries = entries(target);
    JsonNode index = new ObjectMapper().readTree(entries.get("index.json"));
    JsonNode top = index.get("manifests").get(0);
    assertThat(index.get("manifests")).hasSize(1);
    assertThat(top.get("digest").asText()).isEqualTo(digest);
    assertThat(top.get("annotations").get("io.containerd.image.name").asText())
        .isEqualTo(ref.name());
    assertThat(entries).containsKey("oci-layout");
    long blobs = 0;
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      if (e.getKey().startsWith("blobs/sha256/") && e.getValue() != null) {
        assertThat(TestImages.digest(e.getValue()))
            .as(e.getKey())
            .isEqualTo("sha256:" + e.getKey().substring("blobs/sha256/".length()));
        blobs++;
      }
    }
    JsonNode manifest = new ObjectMapper().readTree(blob(entries, digest));
    assertThat(blob(entries, manifest.get("config").get("digest").asText())).isNotNull();
    long layerSize = manifest.get("layers").get(0).get("size").asLong();
    assertThat(blob(entries, manifest.get("layers").get(0).get("digest").asText()))
        .hasSize((int) layerSize);
    assertThat(blobs).as("manifest, config, layer").isEqualTo(3);
    assertThat(new String(blob(entries, manifest.get("config").get("digest").asText())))
        .contains("\"architecture\":\"amd64\"");
    assertThat(bytes.get()).isGreaterThanOrEqualTo(layerSize);
    try (Stream<Path> left = Files.list(target.getParent())) {
      assertThat(left).as("nothing but the archive is left").containsExactly(target);
    }
  }

  @Test
  @DisplayName("pulling an index's digest writes the requested platform's image")
  void pullOfIndexPicksPlatform() throws Exception {
    ImageRef ref = ImageRef.parse(host() + "/kldload/multi:v3.0.0");
    Map<String, String> pushed = push(ref, List.of("amd64", "arm64"));
    Path target = dir.resolve("multi.tar");

    registry().pull(ref, pushed.get("index"), "arm64", target, b -> {});

    JsonNode index = new ObjectMapper().readTree(entries(target).get("index.json"));
    assertThat(index.at("/manifests/0/digest").asText()).isEqualTo(pushed.get("arm64"));
  }

  @Test
  @DisplayName("pulling the same image twice gives the same archive bytes")
  void pullIsReproducible() throws Exception {
    ImageRef ref = ref("kldload/coredns", "v1.11.3");
    String digest = push(ref, List.of("amd64")).get("amd64");

    String first = registry().pull(ref, digest, "amd64", dir.resolve("a.tar"), b -> {});
    String second = registry().pull(ref, digest, "amd64", dir.resolve("b.tar"), b -> {});

    assertThat(second).isEqualTo(first);
  }

  @Test
  @DisplayName("a missing tag and a missing digest are notFound naming the image")
  void missingImageIsNotFound() throws Exception {
    ImageRef ref = ref("kldload/etcd", "3.5.16-0");
    push(ref, List.of("amd64"));
    ImageRef missingTag = ref("kldload/etcd", "3.5.99-0");
    ImageRef missingRepo = ref("kldload/nothing-here", "1.0");
    String absent = "sha256:" + "ab".repeat(32);

    for (Runnable call :
        List.<Runnable>of(
            () -> registry().resolve(missingTag, "amd64"),
            () -> registry().resolve(missingRepo, "amd64"),
            () -> registry().pull(ref, absent, "amd64", dir.resolve("x.tar"), b -> {}))) {
      assertThatThrownBy(call::run)
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
          .hasMessageContaining("kldload/");
    }
    assertThat(dir.resolve("x.tar")).doesNotExist();
  }

  @Test
  @DisplayName("a tampered layer fails naming the image and leaves no archive")
  void tamperedBlobFails() throws Exception {
    ImageRef ref = ref("kldload/kube-proxy", "v1.32.3");
    String digest = push(ref, List.of("amd64")).get("amd64");
    corrupt(ref, TestImages.image(ref.repository(), "amd64").layerDigest());
    Path target = dir.resolve("kube-proxy.tar");

    assertThatThrownBy(() -> registry().pull(ref, digest, "amd64", target, b -> {}))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED))
        .hasMessageContaining(ref.name());
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("no archive and no partial file").isEmpty();
    }
  }

  @Test
  @DisplayName("a registry nothing answers is unavailable, naming the image")
  void unreachableRegistryIsUnavailable() {
    ImageRef ref = unreachable();

    assertThatThrownBy(() -> registry().resolve(ref, "amd64"))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE))
        .hasMessageContaining(ref.name());
  }

  private static byte[] blob(Map<String, byte[]> entries, String digest) {
    return entries.get("blobs/sha256/" + digest.substring("sha256:".length()));
  }

  static Map<String, byte[]> entries(Path tar) throws IOException {
    Map<String, byte[]> entries = new HashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        entries.put(e.getName(), e.isDirectory() ? null : in.readAllBytes());
      }
    }
    return entries;
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return HexFormat.of().formatHex(OciArchive.sha256().digest(in.readAllBytes()));
    }
  }
}
