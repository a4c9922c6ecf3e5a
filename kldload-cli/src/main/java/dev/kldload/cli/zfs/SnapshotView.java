package dev.kldload.cli.zfs;

import dev.kldload.zfs.Ownership;
import dev.kldload.zfs.Snapshot;
import java.util.List;

/** One snapshot as {@code ksnap list} shows it; JSON carries raw bytes and ISO-8601 UTC times. */
public record SnapshotView(
    String name,
    String dataset,
    String created,
    long used,
    long referenced,
    String owner,
    List<String> clones) {

  static SnapshotView of(Snapshot s) {
    return new SnapshotView(
        s.name().toString(),
        s.dataset().value(),
        s.created().toString(),
        s.used(),
        s.referenced(),
        s.ownership().map(Ownership::owner).orElse(""),
        s.clones().stream().map(Object::toString).toList());
  }
}
