package dev.kldload.zfs;

import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ZFS port: datasets, volumes, snapshots, clones, properties and pools, in domain terms.
 *
 * <p>Lookups return {@link Optional}; lists are empty, never null. Every failure is a {@link
 * dev.kldload.core.KldloadException} whose message names the dataset or snapshot: an existing
 * target or a busy object is {@code CONFLICT}, a missing one {@code NOT_FOUND}, a refused
 * permission {@code PERMISSION}, a missing ZFS module {@code PRECONDITION}. A "busy" or "has
 * dependent clones" failure lists the dependents in its message (see {@link ZfsErrors}).
 *
 * <p>{@code properties} maps passed to create and clone may carry native properties ({@code
 * mountpoint}, {@code compression}, {@code volblocksize}, …) and user properties ({@code
 * module:name}, e.g. {@link Ownership#toProperties()}); they are set atomically with the object.
 *
 * <p>Implementations are safe for use from several threads.
 */
public interface Zfs {

  // ---- lookups ----------------------------------------------------------------------------

  /** The filesystem or volume of that name. */
  Optional<Dataset> dataset(DatasetName name);

  /** The snapshot of that name. */
  Optional<Snapshot> snapshot(SnapshotName name);

  /** Whether a filesystem or volume of that name exists. */
  default boolean exists(DatasetName name) {
    return dataset(name).isPresent();
  }

  /**
   * {@code root} and its descendants down to {@code depth} levels (0: root only; 1: root and its
   * children; {@link Integer#MAX_VALUE}: the whole tree), sorted by name; empty when root does not
   * exist.
   */
  List<Dataset> datasets(DatasetName root, int depth);

  /** Every filesystem and volume of every imported pool, sorted by name. */
  List<Dataset> allDatasets();

  /**
   * The snapshots of {@code dataset} (and, when {@code recursive}, of its descendants), oldest
   * first (by creation transaction); empty when the dataset does not exist.
   */
  List<Snapshot> snapshots(DatasetName dataset, boolean recursive);

  /** One native or user property's value as ZFS reports it (empty when unset, "-" or unknown). */
  Optional<String> property(DatasetName name, String property);

  /** The imported pools, sorted by name. */
  List<Pool> pools();

  default Optional<Pool> pool(String name) {
    return pools().stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** Health, scan and error summary of one pool. */
  Optional<PoolStatus> poolStatus(String pool);

  /** The user holds on a snapshot (tags). */
  Set<String> holds(SnapshotName snapshot);

  // ---- mutations --------------------------------------------------------------------------

  /**
   * Creates a filesystem; its parent must exist. CONFLICT if it exists, NOT_FOUND if the parent is
   * missing.
   */
  Dataset createFilesystem(DatasetName name, Map<String, String> properties);

  /**
   * Creates a volume of {@code size}; {@code sparse} skips the reservation (as {@code zfs create
   * -s}). Pass {@code volblocksize} in properties to choose the block size.
   */
  Dataset createVolume(
      DatasetName name, ByteSize size, boolean sparse, Map<String, String> properties);

  /**
   * Takes all snapshots atomically (one transaction; all in one pool), each with the given user
   * properties. When any fails, none is taken and the failure names every snapshot that failed.
   */
  void snapshot(Collection<SnapshotName> snapshots, Map<String, String> userProperties);

  default void snapshot(SnapshotName snapshot, Map<String, String> userProperties) {
    snapshot(List.of(snapshot), userProperties);
  }

  /**
   * Creates a copy-on-write clone of {@code origin} named {@code target} (same pool) with the given
   * properties. CONFLICT if the target exists; NOT_FOUND if the origin or the target's parent is
   * missing. Returns nothing: reading the clone back would cost a {@code zfs} process per clone,
   * which is most of the time of a bulk clone; callers that need it look it up.
   */
  void clone(SnapshotName origin, DatasetName target, Map<String, String> properties);

  /**
   * Destroys a filesystem or volume (unmounting it first). Without {@code recursive} it must have
   * no children and no snapshots (CONFLICT listing them). With {@code recursive} its descendants
   * and all their snapshots go too, unless a clone outside the tree depends on one of them
   * (CONFLICT listing the clones; nothing is destroyed).
   */
  void destroy(DatasetName name, boolean recursive);

  /**
   * Destroys snapshots (atomically per pool). A snapshot with dependent clones or a hold is refused
   * with CONFLICT naming the clones or holds; a missing snapshot is ignored (destroy is
   * idempotent).
   */
  void destroySnapshots(Collection<SnapshotName> snapshots);

  default void destroySnapshot(SnapshotName snapshot) {
    destroySnapshots(List.of(snapshot));
  }

  /**
   * Rolls the dataset back to {@code snapshot}, which must be its newest snapshot: otherwise
   * CONFLICT listing the newer ones (destroy them first).
   */
  void rollback(SnapshotName snapshot);

  /** Makes a clone independent of its origin (the origin's dependency moves to the clone). */
  void promote(DatasetName clone);

  /** Renames a filesystem or volume within its pool. */
  void rename(DatasetName from, DatasetName to);

  /**
   * Mounts a filesystem at its mountpoint (create and clone do not mount: libzfs_core leaves that
   * to the caller).
   */
  void mount(DatasetName filesystem);

  /** Unmounts a filesystem; a filesystem that is not mounted is left as it is. */
  void unmount(DatasetName filesystem);

  /** Sets native or user properties on a filesystem or volume. */
  void setProperties(DatasetName name, Map<String, String> properties);

  /** Removes a local user property (or reverts a native one to its inherited value). */
  void inheritProperty(DatasetName name, String property);

  /** Places a user hold {@code tag} on a snapshot (a held snapshot cannot be destroyed). */
  void hold(SnapshotName snapshot, String tag);

  /** Releases a user hold. */
  void release(SnapshotName snapshot, String tag);

  /** Creates bookmark {@code dataset#bookmark} of {@code snapshot}. */
  void bookmark(SnapshotName snapshot, String bookmark);

  /**
   * Writes a send stream of {@code snapshot} to {@code target} (a file or FIFO), incremental from
   * {@code from} when given.
   */
  void send(SnapshotName snapshot, Optional<SnapshotName> from, Path target);

  /**
   * Receives a send stream from {@code source} into {@code snapshot} (dataset and snapshot name);
   * the dataset must not exist for a full stream.
   */
  void receive(SnapshotName snapshot, Path source);
}
