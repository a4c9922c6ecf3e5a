package dev.kldload.cli.zfs;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.output.OutputFormat;
import dev.kldload.core.output.Table;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.Pool;
import dev.kldload.zfs.Zfs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code kdf [POOL]}: space per dataset and per pool. */
@Command(
    name = "kdf",
    header = "Show ZFS space per dataset and per pool.",
    description = {
      "DATASET USED AVAIL RATIO QUOTA MOUNTPOINT for every dataset of the pool (or of every pool),",
      "then each pool's size, allocated, free and fragmentation."
    },
    mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  kdf", "  kdf tank -o json"})
public final class KdfCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin OutputOption output;

  @Parameters(arity = "0..1", paramLabel = "POOL", description = "One pool (default: all).")
  String pool;

  KdfCommand(Cli cli) {
    this.cli = cli;
  }

  /** One dataset row; quota 0 means none. */
  public record DatasetUsage(
      String name,
      String type,
      long used,
      long available,
      double compressRatio,
      long quota,
      String mountpoint) {}

  /** One pool's totals; fragmentation -1 when unknown. */
  public record PoolUsage(
      String name, String health, long size, long allocated, long free, int fragmentation) {}

  public record KdfView(List<PoolUsage> pools, List<DatasetUsage> datasets) {}

  @Override
  public Integer call() {
    if (pool != null) {
      DatasetName.of(pool);
    }
    Zfs zfs = ZfsServices.zfs(cli);
    List<Pool> pools = pool == null ? zfs.pools() : zfs.pool(pool).map(List::of).orElse(List.of());
    if (pools.isEmpty()) {
      throw pool == null
          ? KldloadException.precondition(
              "no ZFS pool is imported", "import or create one: zpool import")
          : KldloadException.notFound(
              "pool " + pool + " does not exist", "list pools with 'zpool list'");
    }
    List<DatasetUsage> rows = new ArrayList<>();
    for (Pool p : pools) {
      for (Dataset d : zfs.datasets(DatasetName.of(p.name()), Integer.MAX_VALUE)) {
        if (d.name().value().equals(p.name())) {
          continue;
        }
        rows.add(
            new DatasetUsage(
                d.name().value(),
                d.type().zfsName(),
                d.used(),
                d.available(),
                d.compressRatio(),
                d.quota(),
                d.mountpoint().map(Path::toString).orElse("-")));
      }
    }
    List<PoolUsage> poolRows =
        pools.stream()
            .map(
                p ->
                    new PoolUsage(
                        p.name(),
                        p.health().name(),
                        p.size(),
                        p.allocated(),
                        p.free(),
                        p.fragmentation()))
            .toList();
    KdfView view = new KdfView(poolRows, rows);
    if (output.format() == OutputFormat.TABLE) {
      cli.out()
          .print(
              Table.of(DatasetUsage.class)
                  .column("DATASET", DatasetUsage::name)
                  .right("USED", d -> ByteSize.human(d.used()))
                  .right("AVAIL", d -> ByteSize.human(d.available()))
                  .right("RATIO", d -> String.format(Locale.ROOT, "%.2fx", d.compressRatio()))
                  .right("QUOTA", d -> d.quota() == 0 ? "-" : ByteSize.human(d.quota()))
                  .column("MOUNTPOINT", DatasetUsage::mountpoint)
                  .render(rows));
      for (PoolUsage p : poolRows) {
        cli.out()
            .printf(
                "%nPool: %s  Health: %s  Size: %s  Alloc: %s  Free: %s  Frag: %s%n",
                p.name(),
                p.health(),
                ByteSize.human(p.size()),
                ByteSize.human(p.allocated()),
                ByteSize.human(p.free()),
                p.fragmentation() < 0 ? "-" : p.fragmentation() + "%");
      }
      cli.out().flush();
    } else {
      output.renderer().single(cli.out(), view, v -> "");
    }
    return ExitCode.OK.code();
  }
}
