package dev.kldload.zfs.health;

import java.util.Optional;

/**
 * What the health report reads from the host besides ZFS: memory, CPUs, uptime, the ARC and systemd
 * units. A port, so the report is testable without a /proc or systemd.
 */
public interface HostInfo {

  /** Total and available memory in bytes; zeros when unknown. */
  record Memory(long totalBytes, long availableBytes) {}

  /** The ZFS ARC's size in bytes and its hit/miss counters. */
  record Arc(long sizeBytes, long hits, long misses) {}

  Memory memory();

  int cpus();

  /** Seconds since boot; 0 when unknown. */
  long uptimeSeconds();

  /** The ARC, when the ZFS module is loaded. */
  Optional<Arc> arc();

  /** The unit's state ({@code active}, {@code inactive}, …); empty when there is no systemd. */
  Optional<String> serviceState(String unit);
}
