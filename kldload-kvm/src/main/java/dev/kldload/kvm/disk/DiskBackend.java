package dev.kldload.kvm.disk;

import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.xml.DomainSpec;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where VM disks live. Two implementations are planned: qcow2 overlays ({@link Qcow2Backend}, for
 * hosts without ZFS) and ZFS zvols cloned from snapshots (through the {@code Zfs} port). Both name
 * a VM's disk after the VM, so the disk of a domain is found from its name alone, and both take a
 * point-in-time snapshot that clones are made from and that stays as long as a clone needs it.
 */
public interface DiskBackend {

  /** {@code qcow2} or {@code zfs}. */
  String name();

  /** The disk libvirt opens for this VM (whether or not it exists yet). */
  DomainSpec.Disk diskOf(VmName vm);

  /** Whether {@code path} (from a definition) is a disk this backend made. */
  Optional<VmName> owner(Path path);

  /** Whether a disk, finished or {@link #partial}, is there for this VM. */
  boolean exists(VmName vm);

  /**
   * Whether this VM's disk is the remains of a copy that did not finish (killed mid-way): not a
   * disk yet; {@link #create}, {@link #createFromImage} and {@link #cloneFrom} replace it.
   */
  default boolean partial(VmName vm) {
    return false;
  }

  /** A blank, thin-provisioned disk. */
  void create(VmName vm, ByteSize size);

  /** A disk holding a copy of {@code image} (qcow2 or raw), grown to at least {@code size}. */
  void createFromImage(VmName vm, Path image, ByteSize size);

  /**
   * {@link #createFromImage} for a disk another tool owns ({@code kube-cluster}'s golden): a
   * backend that marks its disks (ZFS user properties) marks it with {@code owner} and {@code
   * role}; one that keeps no marks makes the same disk.
   */
  default void createFromImage(VmName vm, Path image, ByteSize size, String owner, String role) {
    createFromImage(vm, image, size);
  }

  /**
   * Freezes the VM's disk as it is now under {@code name}. When {@link #liveSnapshots()} is false
   * the domain must be shut off; otherwise pausing it is enough.
   */
  DiskSnapshot snapshot(VmName vm, String name);

  Optional<DiskSnapshot> findSnapshot(VmName vm, String name);

  /** A new disk for {@code target} sharing {@code snapshot}'s blocks (copy on write). */
  void cloneFrom(DiskSnapshot snapshot, VmName target);

  /**
   * {@link #cloneFrom} for a disk another tool owns ({@code kube-cluster}'s nodes): marked with
   * {@code owner} and {@code role} where the backend keeps marks.
   */
  default void cloneFrom(DiskSnapshot snapshot, VmName target, String owner, String role) {
    cloneFrom(snapshot, target);
  }

  /** Disks of other VMs that depend on this VM's snapshots, as {@code vm (disk)} descriptions. */
  List<String> dependents(VmName vm);

  /** What to tell an operator who wants to delete a VM that {@code dependent} depends on. */
  String detachAdvice(String dependent);

  /** Removes the VM's disk and the snapshots that belong to it; absent parts are skipped. */
  void destroy(VmName vm);

  /**
   * After a clone is deleted: removes the origin snapshot if nothing else needs it; returns what
   * was removed.
   */
  List<String> releaseOrigin(String origin);

  /** Whether a paused (not shut-off) domain can be snapshotted consistently. */
  boolean liveSnapshots();

  /**
   * Capacity and space used of the disks this backend made, among {@code disks}; one look-up for
   * all of them (no program per disk), so that listing stays fast with many VMs.
   */
  Map<Path, DiskUsage> usage(Collection<Path> disks);

  /** A frozen point of a VM's disk. */
  record DiskSnapshot(VmName vm, String name, String id) {}

  /** Virtual size and bytes allocated on the host. */
  record DiskUsage(long capacityBytes, long usedBytes) {}
}
