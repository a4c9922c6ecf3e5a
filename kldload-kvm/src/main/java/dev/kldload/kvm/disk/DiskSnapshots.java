package dev.kldload.kvm.disk;

import dev.kldload.core.value.VmName;
import dev.kldload.kvm.SnapshotInfo;
import java.util.List;

/**
 * A backend whose own snapshots are the VM's snapshots (ZFS: {@code rpool/vms/<vm>@<snap>}; qcow2:
 * the frozen files of the VM's chain). For disks no backend owns, {@code kvm-snap} uses libvirt's
 * snapshots.
 */
public interface DiskSnapshots {

  /** Whether a paused (not stopped) domain's disk can be snapshotted and changed consistently. */
  boolean liveSnapshots();

  /** Takes a snapshot of the VM's disk (the same operation clones start from). */
  DiskBackend.DiskSnapshot snapshot(VmName vm, String name);

  /** The VM disk's snapshots, oldest first. */
  List<SnapshotInfo> snapshots(VmName vm);

  /** Rolls the disk back to {@code snapshot}, which must be its newest (CONFLICT otherwise). */
  void rollback(VmName vm, String snapshot);

  /** Destroys one snapshot; refused (CONFLICT naming them) while clones depend on it. */
  void destroySnapshot(VmName vm, String snapshot);
}
