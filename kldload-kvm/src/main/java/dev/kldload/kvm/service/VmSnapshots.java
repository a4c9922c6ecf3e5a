package dev.kldload.kvm.service;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.SnapshotInfo;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.disk.DiskSnapshots;
import dev.kldload.kvm.xml.DomainDefinition;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * {@code kvm-snap}: a VM's snapshots where they are kept (by the disk backend that made its disk,
 * else by libvirt), with the UEFI vars kept beside each disk snapshot.
 */
public final class VmSnapshots {
  private static final DateTimeFormatter SNAP_STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd_HHmmss").withZone(ZoneOffset.UTC);

  private final VmHost host;

  VmSnapshots(VmHost host) {
    this.host = host;
  }

  public List<SnapshotInfo> snapshots(VmName vm) {
    VmDomain d = host.requireDomain(vm);
    return snapshots(vm, diskSnapshots(vm, DomainDefinition.parse(d.xml())));
  }

  private List<SnapshotInfo> snapshots(VmName vm, Optional<DiskSnapshots> disk) {
    return disk.map(b -> b.snapshots(vm)).orElseGet(() -> host.hypervisor.snapshots(vm.value()));
  }

  /**
   * The disk backend that keeps this VM's snapshots itself (a zvol, a qcow2 chain), if any;
   * otherwise libvirt's snapshots are used.
   */
  private Optional<DiskSnapshots> diskSnapshots(VmName vm, DomainDefinition def) {
    Optional<Path> disk =
        def.dataDisks().stream().findFirst().flatMap(DomainDefinition.DiskEntry::source);
    if (disk.isEmpty()) {
      return Optional.empty();
    }
    for (DiskBackend b : host.backends) {
      if (b instanceof DiskSnapshots s && b.owner(disk.get()).filter(vm::equals).isPresent()) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Takes a snapshot (named by the time when {@code name} is empty), quiescing a running VM. */
  public Plan snapshot(VmName vm, Optional<String> name) {
    VmDomain d = host.requireDomain(vm);
    String snap = name.orElseGet(() -> SNAP_STAMP.format(host.clock.instant()));
    validateSnapshotName(snap);
    DomainDefinition def = DomainDefinition.parse(d.xml());
    Optional<DiskSnapshots> disk = diskSnapshots(vm, def);
    Optional<Path> nvram = def.nvram();
    if (snapshots(vm, disk).stream().anyMatch(s -> s.name().equals(snap))) {
      throw KldloadException.conflict(
          "VM " + vm + " already has a snapshot " + snap, "choose another name");
    }
    boolean live = disk.map(DiskSnapshots::liveSnapshots).orElse(true);
    return Plan.builder("kvm-snap-" + vm)
        .add(
            Step.named("snapshot")
                .description("snapshot " + vm + " as " + snap + VmHost.quiesceNote(d.state(), live))
                .creates(vm + "@" + snap)
                .doneWhen(c -> snapshots(vm, disk).stream().anyMatch(s -> s.name().equals(snap)))
                .apply(
                    c ->
                        host.quiesced(
                            vm,
                            live,
                            () -> {
                              if (disk.isPresent()) {
                                disk.get().snapshot(vm, snap);
                                nvram.ifPresent(n -> UefiVars.save(vm, n, snap));
                              } else {
                                host.hypervisor.createSnapshot(vm.value(), snap, "kvm-snap");
                              }
                            })))
        .build();
  }

  /**
   * Rolls back to {@code snap} (default: the newest). Snapshots newer than it are destroyed, and
   * only with {@code destroyNewer}: the refusal names each one.
   */
  public Plan rollback(VmName vm, Optional<String> snap, boolean destroyNewer) {
    VmDomain d = host.requireDomain(vm);
    DomainDefinition def = DomainDefinition.parse(d.xml());
    Optional<DiskSnapshots> disk = diskSnapshots(vm, def);
    Optional<Path> nvram = def.nvram();
    List<SnapshotInfo> all = snapshots(vm, disk);
    if (all.isEmpty()) {
      throw KldloadException.notFound(
          "VM " + vm + " has no snapshots", "take one with 'kvm-snap " + vm + "'");
    }
    String target = snap.orElse(all.get(all.size() - 1).name());
    int index = indexOf(all, vm, target);
    List<String> newer =
        all.subList(index + 1, all.size()).stream().map(SnapshotInfo::name).toList();
    if (!newer.isEmpty() && !destroyNewer) {
      throw KldloadException.conflict(
          "rolling "
              + vm
              + " back to "
              + target
              + " destroys the newer snapshots "
              + String.join(", ", newer),
          "add --destroy-newer to roll back and destroy them");
    }
    boolean wasRunning = d.state().active();
    Plan.Builder plan = Plan.builder("kvm-snap-rollback-" + vm);
    String last;
    if (disk.isPresent()) {
      // a disk rolled back under a running guest corrupts it: power off, roll back, start again
      List<String> after = new ArrayList<>();
      if (wasRunning) {
        plan.add(
            Step.named("power-off")
                .description("power off " + vm + " (" + d.state().label() + ")")
                .doneWhen(c -> !host.currentState(vm).active())
                .apply(c -> host.hypervisor.powerOff(vm.value())));
        after.add("power-off");
      }
      List<String> newestFirst = new ArrayList<>(newer);
      Collections.reverse(newestFirst);
      for (String n : newestFirst) {
        String id = "destroy-" + n;
        plan.add(
            Step.named(id)
                .description("destroy newer snapshot " + n)
                .after(after)
                .doneWhen(c -> snapshots(vm, disk).stream().noneMatch(s -> s.name().equals(n)))
                .apply(
                    c -> {
                      disk.get().destroySnapshot(vm, n);
                      nvram.ifPresent(v -> UefiVars.drop(vm, v, n));
                    }));
        after = List.of(id);
      }
      plan.add(
          Step.named("rollback")
              .description("roll the disk of " + vm + " back to " + target)
              .after(after)
              .doneWhen(c -> false)
              .apply(
                  c -> {
                    // a saved memory image belongs to the disk as it was: resuming it would corrupt
                    host.hypervisor.discardSavedState(vm.value());
                    disk.get().rollback(vm, target);
                    if (nvram.isPresent() && !UefiVars.restore(vm, nvram.get(), target)) {
                      c.note(
                          "no UEFI vars were kept with "
                              + target
                              + "; "
                              + nvram.get()
                              + " stays as it is");
                    }
                  }));
      last = "rollback";
    } else {
      plan.add(
          Step.named("revert")
              .description("revert " + vm + " to snapshot " + target)
              .doneWhen(c -> false)
              .apply(c -> host.hypervisor.revertToSnapshot(vm.value(), target)));
      last = "revert";
      for (String n : newer) {
        String id = "destroy-" + n;
        plan.add(
            Step.named(id)
                .description("destroy newer snapshot " + n)
                .after(last)
                .doneWhen(c -> snapshots(vm, disk).stream().noneMatch(s -> s.name().equals(n)))
                .apply(c -> host.hypervisor.deleteSnapshot(vm.value(), n)));
        last = id;
      }
    }
    if (wasRunning) {
      plan.add(
          Step.named("start")
              .description("start " + vm + " again (it was running)")
              .after(last)
              .doneWhen(c -> host.currentState(vm).active())
              .apply(c -> host.hypervisor.start(vm.value())));
    }
    return plan.build();
  }

  public Plan deleteSnapshot(VmName vm, String snap) {
    VmDomain d = host.requireDomain(vm);
    DomainDefinition def = DomainDefinition.parse(d.xml());
    Optional<DiskSnapshots> disk = diskSnapshots(vm, def);
    Optional<Path> nvram = def.nvram();
    indexOf(snapshots(vm, disk), vm, snap);
    return Plan.builder("kvm-snap-delete-" + vm)
        .add(
            Step.named("delete")
                .description("delete snapshot " + snap + " of " + vm)
                .doneWhen(c -> snapshots(vm, disk).stream().noneMatch(s -> s.name().equals(snap)))
                .apply(
                    c -> {
                      if (disk.isPresent()) {
                        // merging a qcow2 layer rewrites the file QEMU writes to
                        host.quiesced(
                            vm,
                            disk.get().liveSnapshots(),
                            () -> disk.get().destroySnapshot(vm, snap));
                        nvram.ifPresent(v -> UefiVars.drop(vm, v, snap));
                      } else {
                        host.hypervisor.deleteSnapshot(vm.value(), snap);
                      }
                    }))
        .build();
  }

  private static int indexOf(List<SnapshotInfo> all, VmName vm, String snap) {
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).name().equals(snap)) {
        return i;
      }
    }
    throw KldloadException.notFound(
        "VM " + vm + " has no snapshot " + snap, "see 'kvm-snap " + vm + " list'");
  }

  /** Letters, digits, '_', '-', '.'; not starting with '-'; at most 63; not '.' or '..'. */
  public static String validateSnapshotName(String snap) {
    if (snap == null
        || !snap.matches("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,62}")
        || snap.contains("..")
        || snap.equals(".")) {
      throw KldloadException.invalid(
          "snapshot name '"
              + (snap == null ? "" : snap.replaceAll("\\p{Cntrl}", "?"))
              + "' is not valid",
          "use 1-63 letters, digits, '_', '.' or '-', not starting with '-'");
    }
    return snap;
  }
}
