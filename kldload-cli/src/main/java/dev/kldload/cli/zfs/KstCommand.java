package dev.kldload.cli.zfs;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.output.OutputFormat;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.Pool;
import dev.kldload.zfs.PoolStatus;
import dev.kldload.zfs.Snapshot;
import dev.kldload.zfs.Zfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kst}: one screen of host and ZFS health; exit 3 when a pool is not healthy. */
@Command(
    name = "kst",
    header = "Show host and ZFS health at a glance (exit 3 when degraded).",
    description = {
      "Pools (health, scan, errors), root dataset usage and compression, snapshot count and newest,",
      "boot environments, memory, CPUs, uptime, ARC size and hit ratio, key services.",
      "Exit 0 when every pool is ONLINE without data errors, 3 otherwise: usable from cron and",
      "monitoring."
    },
    mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  kst", "  kst -o json | jq .healthy"})
public final class KstCommand implements Callable<Integer> {
  static final List<String> SERVICES =
      List.of("zfs-zed", "ssh", "libvirtd", "kldload-snapshot.timer", "sanoid.timer");

  private final Cli cli;

  @Mixin OutputOption output;

  KstCommand(Cli cli) {
    this.cli = cli;
  }

  public record PoolHealthView(String name, String health, String scan, String errors) {}

  public record RootView(String dataset, long used, long available, double compressRatio) {}

  public record ArcView(long sizeBytes, long hits, long misses, double hitRatio) {}

  public record ServiceView(String name, String state) {}

  /** The report; {@code root}, {@code newestSnapshot} and {@code arc} are null when absent. */
  public record KstView(
      boolean healthy,
      List<PoolHealthView> pools,
      RootView root,
      int snapshots,
      String newestSnapshot,
      int bootEnvironments,
      long memoryTotalBytes,
      long memoryAvailableBytes,
      int cpus,
      long uptimeSeconds,
      ArcView arc,
      List<ServiceView> services) {}

  @Override
  public Integer call() {
    Zfs zfs = ZfsServices.zfs(cli);
    Path proc = Path.of(cli.env().getOrDefault("KLDLOAD_PROC", "/proc"));
    List<PoolHealthView> pools = new ArrayList<>();
    boolean healthy = true;
    int snapshots = 0;
    Optional<Snapshot> newest = Optional.empty();
    int bootEnvironments = 0;
    for (Pool p : zfs.pools()) {
      PoolStatus s =
          zfs.poolStatus(p.name())
              .orElse(new PoolStatus(p.name(), p.health(), "unknown", "unknown"));
      pools.add(new PoolHealthView(p.name(), s.health().name(), s.scan(), s.errors()));
      healthy &= s.health().healthy() && !s.hasDataErrors();
      List<Snapshot> snaps = zfs.snapshots(DatasetName.of(p.name()), true);
      snapshots += snaps.size();
      Optional<Snapshot> poolNewest = snaps.stream().max(Comparator.comparing(Snapshot::created));
      if (poolNewest.isPresent()
          && (newest.isEmpty() || poolNewest.get().created().isAfter(newest.get().created()))) {
        newest = poolNewest;
      }
      bootEnvironments +=
          Math.max(0, zfs.datasets(DatasetName.of(p.name()).child("ROOT"), 1).size() - 1);
    }
    Optional<RootView> root =
        zfs.allDatasets().stream()
            .filter(d -> d.mounted() && d.mountpoint().equals(Optional.of(Path.of("/"))))
            .findFirst()
            .map(KstCommand::root);
    Map<String, Long> meminfo = keyValues(proc.resolve("meminfo"), ":");
    Map<String, Long> arcstats = arcstats(proc.resolve("spl/kstat/zfs/arcstats"));
    Optional<ArcView> arc =
        arcstats.containsKey("size") ? Optional.of(arc(arcstats)) : Optional.empty();
    KstView view =
        new KstView(
            healthy,
            pools,
            root.orElse(null),
            snapshots,
            newest.map(s -> s.name() + " " + s.created()).orElse(null),
            bootEnvironments,
            meminfo.getOrDefault("MemTotal", 0L) * 1024,
            meminfo.getOrDefault("MemAvailable", 0L) * 1024,
            Runtime.getRuntime().availableProcessors(),
            uptime(proc.resolve("uptime")),
            arc.orElse(null),
            services());
    if (output.format() == OutputFormat.TABLE) {
      cli.out().print(table(view));
      cli.out().flush();
    } else {
      output.renderer().single(cli.out(), view, KstCommand::table);
    }
    return (healthy ? ExitCode.OK : ExitCode.DEGRADED).code();
  }

  private static RootView root(Dataset d) {
    return new RootView(d.name().value(), d.used(), d.available(), d.compressRatio());
  }

  private static ArcView arc(Map<String, Long> stats) {
    long hits = stats.getOrDefault("hits", 0L);
    long misses = stats.getOrDefault("misses", 0L);
    double ratio = hits + misses == 0 ? 0 : (double) hits / (hits + misses);
    return new ArcView(stats.get("size"), hits, misses, ratio);
  }

  private List<ServiceView> services() {
    List<ServiceView> out = new ArrayList<>();
    if (dev.kldload.core.process.Programs.which("systemctl").isEmpty()) {
      return out;
    }
    for (String unit : SERVICES) {
      String state =
          cli.processRunner(false)
              .run(
                  ProcessSpec.of("systemctl", "is-active", unit)
                      .timeout(Duration.ofSeconds(5))
                      .readOnly()
                      .build())
              .stdout()
              .strip();
      out.add(new ServiceView(unit, state.isEmpty() ? "unknown" : state));
    }
    return out;
  }

  static String table(KstView v) {
    StringBuilder sb = new StringBuilder();
    for (PoolHealthView p : v.pools()) {
      sb.append(String.format("Pool       %s %s  (%s)%n", p.name(), p.health(), p.errors()));
      sb.append(String.format("Scan       %s%n", p.scan()));
    }
    if (v.pools().isEmpty()) {
      sb.append("Pool       none imported\n");
    }
    Optional.ofNullable(v.root())
        .ifPresent(
            r ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "Root       %s  %s used / %s available  (compression: %.2fx)%n",
                        r.dataset(),
                        ByteSize.human(r.used()),
                        ByteSize.human(r.available()),
                        r.compressRatio())));
    sb.append(
        String.format(
            "Snapshots  %d total%s%n",
            v.snapshots(),
            Optional.ofNullable(v.newestSnapshot()).map(n -> "  (newest: " + n + ")").orElse("")));
    sb.append(String.format("Boot envs  %d%n", v.bootEnvironments()));
    sb.append(
        String.format(
            "Memory     %s / %s  |  CPUs  %d  |  Uptime  %s%n",
            ByteSize.human(Math.max(0, v.memoryTotalBytes() - v.memoryAvailableBytes())),
            ByteSize.human(v.memoryTotalBytes()),
            v.cpus(),
            Duration.ofSeconds(v.uptimeSeconds())
                .toString()
                .substring(2)
                .toLowerCase(Locale.ROOT)));
    Optional.ofNullable(v.arc())
        .ifPresent(
            a ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "ARC        %s  (hit ratio %.1f%%)%n",
                        ByteSize.human(a.sizeBytes()),
                        a.hitRatio() * 100)));
    if (!v.services().isEmpty()) {
      sb.append("Services  ");
      v.services().forEach(s -> sb.append(' ').append(s.name()).append('=').append(s.state()));
      sb.append('\n');
    }
    sb.append(v.healthy() ? "Status     healthy\n" : "Status     DEGRADED\n");
    return sb.toString();
  }

  /** {@code Key: 123 kB} lines ({@code /proc/meminfo}). */
  static Map<String, Long> keyValues(Path file, String separator) {
    Map<String, Long> out = new HashMap<>();
    for (String line : lines(file)) {
      int i = line.indexOf(separator);
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

  /** {@code name type data} rows of a kstat file. */
  static Map<String, Long> arcstats(Path file) {
    Map<String, Long> out = new HashMap<>();
    for (String line : lines(file)) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 3 && f[2].matches("\\d+")) {
        out.put(f[0], Long.parseLong(f[2]));
      }
    }
    return out;
  }

  static long uptime(Path file) {
    List<String> l = lines(file);
    if (l.isEmpty()) {
      return 0;
    }
    try {
      return (long) Double.parseDouble(l.get(0).split("\\s+")[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }
}
