package dev.kldload.zfs.health;

import java.util.List;

/** Space per pool and per dataset ({@code kdf}). */
public record SpaceReport(List<PoolUsage> pools, List<DatasetUsage> datasets) {

  /** One dataset row; quota 0 means none; mountpoint "-" when it has none. */
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
}
