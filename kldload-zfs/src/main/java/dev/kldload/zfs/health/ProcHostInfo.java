package dev.kldload.zfs.health;

import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link HostInfo} from {@code /proc} (meminfo, uptime, spl/kstat/zfs/arcstats) and {@code
 * systemctl is-active}. Unreadable files read as absent: a report shows what it can.
 */
public final class ProcHostInfo implements HostInfo {
  private final Path proc;
  private final ProcessRunner runner;

  /** {@code proc} is normally {@code /proc}; tests and chroots point it elsewhere. */
  public ProcHostInfo(Path proc, ProcessRunner runner) {
    this.proc = proc;
    this.runner = runner;
  }

  @Override
  public Memory memory() {
    Map<String, Long> meminfo = keyValues(proc.resolve("meminfo"));
    return new Memory(
        meminfo.getOrDefault("MemTotal", 0L) * 1024,
        meminfo.getOrDefault("MemAvailable", 0L) * 1024);
  }

  @Override
  public int cpus() {
    return Runtime.getRuntime().availableProcessors();
  }

  @Override
  public long uptimeSeconds() {
    List<String> lines = lines(proc.resolve("uptime"));
    if (lines.isEmpty()) {
      return 0;
    }
    try {
      return (long) Double.parseDouble(lines.get(0).split("\\s+")[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public Optional<Arc> arc() {
    Map<String, Long> stats = new HashMap<>();
    for (String line : lines(proc.resolve("spl/kstat/zfs/arcstats"))) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 3 && f[2].matches("\\d+")) {
        stats.put(f[0], Long.parseLong(f[2]));
      }
    }
    if (!stats.containsKey("size")) {
      return Optional.empty();
    }
    return Optional.of(
        new Arc(
            stats.get("size"), stats.getOrDefault("hits", 0L), stats.getOrDefault("misses", 0L)));
  }

  @Override
  public Optional<String> serviceState(String unit) {
    if (Programs.which("systemctl").isEmpty()) {
      return Optional.empty();
    }
    String state =
        runner
            .run(
                ProcessSpec.of("systemctl", "is-active", unit)
                    .timeout(Duration.ofSeconds(5))
                    .readOnly()
                    .build())
            .stdout()
            .strip();
    return Optional.of(state.isEmpty() ? "unknown" : state);
  }

  /** {@code Key: 123 kB} lines. */
  static Map<String, Long> keyValues(Path file) {
    Map<String, Long> out = new HashMap<>();
    for (String line : lines(file)) {
      int i = line.indexOf(':');
      if (i > 0) {
        String[] value = line.substring(i + 1).strip().split("\\s+");
        try {
          out.put(line.substring(0, i).strip(), Long.parseLong(value[0]));
        } catch (NumberFormatException e) {
          // not a number: not a field we read
        }
      }
    }
    return out;
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }
}
