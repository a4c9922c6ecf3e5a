package dev.kldload.cli.zfs;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.output.OutputFormat;
import dev.kldload.core.value.ByteSize;
import dev.kldload.zfs.health.HealthReport;
import dev.kldload.zfs.health.HealthService;
import java.time.Duration;
import java.util.Locale;
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
  private final Cli cli;

  @Mixin OutputOption output;

  KstCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    HealthReport report =
        new HealthService(cli.engines().zfs(false), cli.engines().hostInfo()).report();
    if (output.format() == OutputFormat.TABLE) {
      cli.out().print(table(report));
      cli.out().flush();
    } else {
      output.renderer().single(cli.out(), report, KstCommand::table);
    }
    return (report.healthy() ? ExitCode.OK : ExitCode.DEGRADED).code();
  }

  static String table(HealthReport v) {
    StringBuilder sb = new StringBuilder();
    for (HealthReport.PoolHealthView p : v.pools()) {
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
}
