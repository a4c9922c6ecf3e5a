package dev.kldload.kube.node;

import dev.kldload.core.plan.Step;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.Ownership;
import dev.kldload.zfs.Zfs;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The safety net before a node-side operation: a recursive snapshot {@code <pool>@pre-<tool>-<UTC>}
 * of the root pool (every filesystem and volume, in one transaction), so the operator can roll back
 * what the operation changed.
 */
public final class PreOpSnapshot {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private PreOpSnapshot() {}

  public static String name(String tool, Instant now) {
    return "pre-" + tool + "-" + STAMP.format(now);
  }

  /** A step snapshotting {@code pool} and all its descendants as {@code pre-<tool>-<UTC>}. */
  public static Step step(Zfs zfs, DatasetName pool, String tool, Instant now) {
    String snap = name(tool, now);
    SnapshotName top = pool.snapshot(snap);
    return Step.named("snapshot")
        .description("recursive ZFS snapshot " + top + " (roll back with kbe or zfs rollback)")
        .creates(top.toString())
        .doneWhen(ctx -> zfs.snapshot(top).isPresent())
        .apply(
            ctx -> {
              List<SnapshotName> all =
                  zfs.datasets(pool, Integer.MAX_VALUE).stream()
                      .map(Dataset::name)
                      .map(d -> d.snapshot(snap))
                      .toList();
              zfs.snapshot(all, Ownership.of(tool, "pre-op", now).toProperties());
            });
  }
}
