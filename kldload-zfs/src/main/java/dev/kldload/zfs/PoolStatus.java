package dev.kldload.zfs;

import java.util.Objects;

/**
 * The parts of {@code zpool status} an operator checks first: health, the last scan (scrub or
 * resilver) and the data-error summary, each as ZFS words it.
 *
 * @param scan e.g. "scrub repaired 0B in 00:00:01 with 0 errors on …", or "none requested"
 * @param errors e.g. "No known data errors"
 */
public record PoolStatus(String pool, PoolHealth health, String scan, String errors) {
  public PoolStatus {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(scan, "scan");
    Objects.requireNonNull(errors, "errors");
  }

  public boolean scrubRunning() {
    return scan.contains("in progress");
  }

  public boolean hasDataErrors() {
    return !errors.startsWith("No known data errors");
  }
}
