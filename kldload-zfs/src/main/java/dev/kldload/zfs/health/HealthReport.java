package dev.kldload.zfs.health;

import java.util.List;

/**
 * One screen of host and ZFS health ({@code kst}); {@code root}, {@code newestSnapshot} and {@code
 * arc} are null when absent (JSON shows them as null).
 */
public record HealthReport(
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
    List<ServiceView> services) {

  public record PoolHealthView(String name, String health, String scan, String errors) {}

  public record RootView(String dataset, long used, long available, double compressRatio) {}

  public record ArcView(long sizeBytes, long hits, long misses, double hitRatio) {}

  public record ServiceView(String name, String state) {}
}
