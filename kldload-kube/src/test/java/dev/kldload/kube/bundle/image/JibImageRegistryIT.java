package dev.kldload.kube.bundle.image;

import static dev.kldload.core.testing.Requirements.require;

import dev.kldload.kube.bundle.image.jib.JibImageRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
