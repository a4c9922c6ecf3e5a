package dev.kldload.kube.bundle.image;

import static dev.kldload.core.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.kube.bundle.image.jib.JibImageRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jib-core adapter against Debian's docker-registry on loopback, images pushed with jib. */
class JibImageRegistryIT extends ImageRegistryContract {
  @TempDir Path registryDir;
  private DistributionRegistry server;
  private final ImageRegistry registry = new JibImageRegistry(Map.of());

  @BeforeEach
  void startRegistry() throws Exception {
    require(
        Files.isExecutable(DistributionRegistry.BINARY),
        "/usr/bin/docker-registry (apt-get install docker-registry)");
    server = DistributionRegistry.start(registryDir);
  }

  @AfterEach
  void stopRegistry() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @DisplayName("through a mirror, the image keeps its upstream name and digest")
  void pullsThroughMirror() throws Exception {
    ImageRef local = ImageRef.parse(server.host() + "/kube/pause:3.10");
    String digest = JibPush.push(local, List.of("amd64", "arm64")).get("amd64");
    ImageRef upstream = ImageRef.parse("upstream.example/kube/pause:3.10");
    ImageRegistry mirrored =
        new JibImageRegistry(Map.of("upstream.example", URI.create("http://" + server.host())));
    Path target = dir.resolve("pause.tar");

    assertThat(mirrored.resolve(upstream, "amd64")).isEqualTo(digest);
    mirrored.pull(upstream, digest, "amd64", target, b -> {});
    JsonNode index = new ObjectMapper().readTree(entries(target).get("index.json"));
    assertThat(index.at("/manifests/0/annotations/io.containerd.image.name").asText())
        .isEqualTo(upstream.name());
    assertThat(index.at("/manifests/0/digest").asText()).isEqualTo(digest);
  }

  @Test
  @DisplayName("a registry that wants an anonymous bearer token gets one, for manifests and blobs")
  void fetchesAnonymousToken() throws Exception {
    ImageRef local = ImageRef.parse(server.host() + "/kube/coredns:v1.11.3");
    String digest = JibPush.push(local, List.of("amd64", "arm64")).get("amd64");
    try (TokenGate gate = TokenGate.start(server.host(), dir)) {
      ImageRef ref = ImageRef.parse(gate.host() + "/kube/coredns:v1.11.3");

      assertThat(registry.resolve(ref, "amd64")).isEqualTo(digest);
      registry.pull(ref, digest, "amd64", dir.resolve("coredns.tar"), b -> {});

      assertThat(gate.scopes)
          .isNotEmpty()
          .allMatch(q -> q.contains("repository:kube/coredns:pull"));
      assertThat(gate.refused)
          .as("every refused request was a first try that fetched a token")
          .hasSizeLessThanOrEqualTo(gate.scopes.size());
    }
  }

  @Override
  protected ImageRegistry registry() {
    return registry;
  }

  @Override
  protected String host() {
    return server.host();
  }

  @Override
  protected Map<String, String> push(ImageRef ref, List<String> arches) throws Exception {
    return JibPush.push(ref, arches);
  }

  @Override
  protected void corrupt(ImageRef ref, String digest) throws Exception {
    Path data = server.blobData(digest);
    byte[] content = Files.readAllBytes(data);
    content[content.length / 2] ^= 0x5a;
    Files.write(data, content);
  }

  @Override
  protected ImageRef unreachable() {
    try {
      return ImageRef.parse("127.0.0.1:" + DistributionRegistry.freePort() + "/kldload/pause:3.10");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
