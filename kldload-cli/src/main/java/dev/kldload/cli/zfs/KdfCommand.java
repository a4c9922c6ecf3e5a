package dev.kldload.cli.zfs;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.output.OutputFormat;
import dev.kldload.core.output.Table;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.zfs.health.SpaceReport;
import dev.kldload.zfs.health.SpaceReport.DatasetUsage;
import dev.kldload.zfs.health.SpaceReport.PoolUsage;
import dev.kldload.zfs.health.SpaceService;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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

  @Override
  public Integer call() {
    Optional<DatasetName> only = Optional.ofNullable(pool).map(DatasetName::of);
    SpaceReport view = new SpaceService(cli.engines().zfs(false)).report(only);
    List<DatasetUsage> rows = view.datasets();
    List<PoolUsage> poolRows = view.pools();
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
