package dev.kldload.kube.bundle.image;

import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Debian's containerd, private to one test: root, state, sockets and plugin directories under a
 * temporary directory, the CRI plugin off (it would take over the host's networking), so the host's
 * own containerd, if any, is never touched. {@link #runner()} points every {@code ctr} at it.
 */
final class PrivateContainerd implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/containerd");

  final Path socket;
  private final ProcessRunner system = new SystemProcessRunner();
  private TestDaemon daemon;

  private PrivateContainerd(Path socket) {
    this.socket = socket;
  }

  static PrivateContainerd start(Path dir) throws Exception {
    Files.createDirectories(dir);
    Path socket = dir.resolve("containerd.sock");
    Path config = dir.resolve("config.toml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "version = 2",
            "root = \"" + dir.resolve("root") + "\"",
            "state = \"" + dir.resolve("state") + "\"",
            "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
            "[grpc]",
            "  address = \"" + socket + "\"",
            "[ttrpc]",
            "  address = \"" + socket + ".ttrpc\"",
            "[debug]",
            "  address = \"" + dir.resolve("debug.sock") + "\"",
            "[plugins.\"io.containerd.internal.v1.opt\"]",
            "  path = \"" + dir.resolve("opt") + "\"",
            ""),
        StandardCharsets.UTF_8);
    PrivateContainerd containerd = new PrivateContainerd(socket);
    containerd.daemon =
        TestDaemon.start(
            List.of(BINARY.toString(), "--config", config.toString()),
            dir.resolve("containerd.log"),
            Duration.ofSeconds(30),
            () -> Files.exists(socket) && containerd.ctr("version").ok());
    return containerd;
  }

  /** {@code ctr --address SOCKET -n k8s.io ARGS}. */
  ProcessResult ctr(String... args) {
    List<String> argv =
        new ArrayList<>(List.of("ctr", "--address", socket.toString(), "-n", "k8s.io"));
    argv.addAll(List.of(args));
    return system.run(ProcessSpec.of(argv).timeout(Duration.ofMinutes(2)).build());
  }

  /** The system runner with {@code CONTAINERD_ADDRESS} set, so a plain {@code ctr} comes here. */
  ProcessRunner runner() {
    return spec -> {
      Map<String, String> env = new HashMap<>(spec.environment());
      env.put("CONTAINERD_ADDRESS", socket.toString());
      return system.run(
          new ProcessSpec(
              spec.argv(), spec.timeout(), env, spec.stdin(), spec.directory(), spec.readOnly()));
    };
  }

  String log() throws IOException {
    return daemon.log();
  }

  @Override
  public void close() {
    daemon.close();
  }
}
