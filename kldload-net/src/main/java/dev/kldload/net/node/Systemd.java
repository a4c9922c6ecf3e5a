package dev.kldload.net.node;

import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The few systemctl calls the node services make (boot units, kubelet restart). */
final class Systemd {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final ProcessRunner runner;

  Systemd(ProcessRunner runner) {
    this.runner = runner;
  }

  /** Whether to enable boot units: configured so, and systemd runs this machine. */
  static boolean bootUnits(NodeSettings settings) {
    return settings.bootUnits() && Files.isDirectory(Path.of("/run/systemd/system"));
  }

  boolean enabled(String unit) {
    return runner
        .run(ProcessSpec.of("systemctl", "is-enabled", unit).timeout(TIMEOUT).readOnly().build())
        .stdout()
        .strip()
        .equals("enabled");
  }

  boolean active(String unit) {
    return runner
        .run(
            ProcessSpec.of("systemctl", "is-active", "--quiet", unit)
                .timeout(TIMEOUT)
                .readOnly()
                .build())
        .ok();
  }

  void run(String... args) {
    List<String> argv = new ArrayList<>(List.of("systemctl"));
    argv.addAll(List.of(args));
    runner.check(ProcessSpec.of(argv).timeout(TIMEOUT).build());
  }
}
