package dev.kldload.zfs.health;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.DatasetName;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.Pool;
import dev.kldload.zfs.Zfs;
import dev.kldload.zfs.health.SpaceReport.DatasetUsage;
import dev.kldload.zfs.health.SpaceReport.PoolUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Space per dataset and per pool. */
public final class SpaceService {
  private final Zfs zfs;

  public SpaceService(Zfs zfs) {
    this.zfs = zfs;
  }

  /**
   * Every dataset but the pool roots, and each pool's totals, of {@code pool} or of every pool.
   * NOT_FOUND for an unknown pool; PRECONDITION when no pool is imported at all.
   */
  public SpaceReport report(Optional<DatasetName> pool) {
    List<Pool> pools =
        pool.isEmpty() ? zfs.pools() : zfs.pool(pool.get().value()).map(List::of).orElse(List.of());
    if (pools.isEmpty()) {
      throw pool.isEmpty()
          ? KldloadException.precondition(
              "no ZFS pool is imported", "import or create one: zpool import")
          : KldloadException.notFound(
              "pool " + pool.get().value() + " does not exist", "list pools with 'zpool list'");
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
    return new SpaceReport(poolRows, rows);
  }
}
