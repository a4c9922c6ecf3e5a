package dev.kldload.zfs;

import java.util.Objects;

/**
 * A pool's capacity and health. Sizes are bytes; {@code fragmentation} and {@code capacity} are
 * percentages ({@code fragmentation} is -1 when the pool cannot report it).
 */
public record Pool(
    String name,
    PoolHealth health,
    long size,
    long allocated,
    long free,
    int fragmentation,
    int capacity) {

  public Pool {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(health, "health");
  }
}
