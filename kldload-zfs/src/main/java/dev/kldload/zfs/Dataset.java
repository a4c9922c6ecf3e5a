package dev.kldload.zfs;

import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A filesystem or volume as the pool reports it. Sizes are bytes; {@code quota} and {@code
 * volumeSize} are 0 when not set or not applicable; {@code mountpoint} is empty for volumes and for
 * {@code none}/{@code legacy}; {@code origin} is the snapshot a clone was made from.
 *
 * @param userProperties the user properties ({@code module:name}) set on this dataset itself, not
 *     inherited ones: ownership marks must never spread to children we did not create
 */
public record Dataset(
    DatasetName name,
    DatasetType type,
    long used,
    long available,
    long referenced,
    double compressRatio,
    long quota,
    long volumeSize,
    Optional<Path> mountpoint,
    boolean mounted,
    Optional<SnapshotName> origin,
    Instant created,
    Map<String, String> userProperties) {

  public Dataset {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mountpoint, "mountpoint");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(created, "created");
    userProperties = Map.copyOf(userProperties);
  }

  public boolean isVolume() {
    return type == DatasetType.VOLUME;
  }

  public boolean isClone() {
    return origin.isPresent();
  }

  /** Our ownership marks, when this dataset carries them. */
  public Optional<Ownership> ownership() {
    return Ownership.from(userProperties);
  }

  public Optional<String> userProperty(String key) {
    return Optional.ofNullable(userProperties.get(key));
  }
}
