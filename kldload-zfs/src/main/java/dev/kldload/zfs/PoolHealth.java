package dev.kldload.zfs;

/** A pool's health as {@code zpool list -o health} reports it. */
public enum PoolHealth {
  ONLINE,
  DEGRADED,
  FAULTED,
  OFFLINE,
  REMOVED,
  UNAVAIL,
  SUSPENDED,
  UNKNOWN;

  public static PoolHealth parse(String word) {
    for (PoolHealth h : values()) {
      if (h.name().equalsIgnoreCase(word)) {
        return h;
      }
    }
    return UNKNOWN;
  }

  public boolean healthy() {
    return this == ONLINE;
  }
}
