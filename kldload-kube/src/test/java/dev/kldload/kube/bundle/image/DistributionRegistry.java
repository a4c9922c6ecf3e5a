package dev.kldload.kube.bundle.image;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A throwaway Docker distribution registry for adapter tests: Debian's {@code docker-registry} in
 * the foreground on 127.0.0.1 and a free port, plain HTTP, storing under a temporary directory the
 * test can reach into (to tamper with a blob).
 */
final class DistributionRegistry implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/docker-registry");

  final int port;
  private final Path store;
  private final TestDaemon daemon;

  private DistributionRegistry(int port, Path store, TestDaemon daemon) {
    this.port = port;
    this.store = store;
    this.daemon = daemon;
  }

  static DistributionRegistry start(Path dir) throws Exception {
    Files.createDirectories(dir);
    int port = freePort();
    Path store = dir.resolve("store");
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "version: 0.1",
            "log:",
            "  level: warn",
            "storage:",
            "  filesystem:",
            "    rootdirectory: " + store,
            "http:",
            "  addr: 127.0.0.1:" + port,
            ""),
        StandardCharsets.UTF_8);
    TestDaemon daemon =
        TestDaemon.start(
            List.of(BINARY.toString(), "serve", config.toString()),
            dir.resolve("registry.log"),
            Duration.ofSeconds(15),
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
              } catch (IOException e) {
                return false;
              }
            });
    return new DistributionRegistry(port, store, daemon);
  }

  String host() {
    return "127.0.0.1:" + port;
  }

  /** Where the filesystem driver keeps blob {@code digest}'s bytes. */
  Path blobData(String digest) {
    String hex = digest.substring("sha256:".length());
    return store.resolve(
        Path.of("docker", "registry", "v2", "blobs", "sha256", hex.substring(0, 2), hex, "data"));
  }

  String log() throws IOException {
    return daemon.log();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    daemon.close();
  }
}
