package dev.kldload.zfs;

import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot as the pool reports it. {@code createTxg} orders snapshots taken within the same
 * second; {@code clones} are the datasets that depend on it (a snapshot with clones cannot be
 * destroyed). {@code userProperties} are those set on the snapshot itself, never inherited from its
 * dataset.
 */
public record Snapshot(
    SnapshotName name,
    Instant created,
    long createTxg,
    long used,
    long referenced,
    List<DatasetName> clones,
    Map<String, String> userProperties) {

  public Snapshot {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    clones = List.copyOf(clones);
    userProperties = Map.copyOf(userProperties);
  }

  public DatasetName dataset() {
    return name.dataset();
  }

  public boolean hasClones() {
    return !clones.isEmpty();
  }

  public Optional<Ownership> ownership() {
    return Ownership.from(userProperties);
  }

  public Optional<String> userProperty(String key) {
    return Optional.ofNullable(userProperties.get(key));
  }
}
