package dev.kldload.kvm;

import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.value.HostName;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.disk.DiskSnapshots;
import dev.kldload.kvm.seed.HostKeys;
import dev.kldload.kvm.seed.NoCloudSeed;
import dev.kldload.kvm.seed.SeedRequest;
import dev.kldload.kvm.xml.CloneEditor;
import dev.kldload.kvm.xml.DomainDefinition;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.MacAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The KVM tools' logic: each mutating operation is checked completely first (so bad input or a
 * refusal changes nothing) and then returned as a {@link Change}: a plan of idempotent steps and an
 * undo that removes whatever this run created, for when a step fails.
 */
public final class KvmService {
  private static final DateTimeFormatter CLONE_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SNAP_STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd_HHmmss").withZone(ZoneOffset.UTC);

  /**
   * Host layout and defaults.
   *
   * @param imagesDir seeds and UEFI vars files
   * @param stateDir the admin key and pinned guest host keys
   * @param virtType {@code kvm} or {@code qemu}
   * @param ovmfCode OVMF code image, for UEFI guests
   * @param ovmfVars OVMF vars template
   */
  public record Settings(
      Path imagesDir, Path stateDir, String virtType, Path ovmfCode, Path ovmfVars) {}

  /** A checked operation: its plan, and the undo for a failed run. */
  public record Change(Plan plan, Runnable undo) {}

  private final Hypervisor hypervisor;
  private final List<DiskBackend> backends;
  private final ProcessRunner runner;
  private final Settings settings;
  private final Clock clock;

  public KvmService(
      Hypervisor hypervisor,
      List<DiskBackend> backends,
      ProcessRunner runner,
      Settings settings,
      Clock clock) {
    this.hypervisor = hypervisor;
    this.backends = List.copyOf(backends);
    this.runner = runner;
    this.settings = settings;
    this.clock = clock;
  }

  // ---------------------------------------------------------------- list

  /**
   * Every domain with its disk usage: one listing call, one definition read per domain, one usage
   * look-up per backend; no program per VM.
   */
  public List<VmView> list() {
    List<VmDomain> domains = hypervisor.domains();
    Map<String, DomainDefinition> defs = new LinkedHashMap<>();
    Map<String, Path> firstDisk = new LinkedHashMap<>();
    for (VmDomain d : domains) {
      DomainDefinition def = DomainDefinition.parse(d.xml());
      defs.put(d.name(), def);
      def.dataDisks().stream()
          .findFirst()
          .flatMap(DomainDefinition.DiskEntry::source)
          .ifPresent(p -> firstDisk.put(d.name(), p));
    }
    Map<Path, DiskBackend.DiskUsage> usage = new LinkedHashMap<>();
    for (DiskBackend b : backends) {
      usage.putAll(b.usage(firstDisk.values()));
    }
    List<VmView> out = new ArrayList<>();
    for (VmDomain d : domains) {
      DomainDefinition def = defs.get(d.name());
      Optional<DiskBackend.DiskUsage> u =
          Optional.ofNullable(firstDisk.get(d.name())).map(usage::get);
      out.add(
          new VmView(
              d.name(),
              d.stateLabel(),
              d.memoryKib() * 1024,
              d.vcpus(),
              u.map(DiskBackend.DiskUsage::capacityBytes).orElse(null),
              u.map(DiskBackend.DiskUsage::usedBytes).orElse(null),
              def.metadata().flatMap(DomainMetadata::cloneOrigin).orElse(null),
              def.ours()));
    }
    return out;
  }

  // ---------------------------------------------------------------- create

  public Change create(CreateRequest r, DiskBackend backend) {
    VmName vm = r.name();
    requireAbsent(vm, "kvm-create");
    if (backend.exists(vm)) {
      throw KldloadException.conflict(
          "VM " + vm + ": disk " + backend.diskOf(vm).path() + " already exists",
          "remove it, or choose another name");
    }
    r.installer().ifPresent(p -> requireReadable(vm, p, "ISO"));
    r.image().ifPresent(p -> requireReadable(vm, p, "image"));
    r.directBoot()
        .ifPresent(
            boot -> {
              requireReadable(vm, boot.kernel(), "kernel");
              boot.initrd().ifPresent(p -> requireReadable(vm, p, "initrd"));
            });
    if (r.directBoot().isPresent() && r.installer().isPresent()) {
      throw KldloadException.invalid(
          "VM " + vm + ": --kernel and --iso exclude each other",
          "boot the installer ISO, or a kernel with an image");
    }
    if (r.installer().isPresent() && r.image().isPresent()) {
      throw KldloadException.invalid(
          "VM " + vm + ": --iso and --image exclude each other", "give one of them");
    }
    requireNetwork(vm, r.nic());
    if (r.uefi()) {
      requireOvmf(vm);
    }
    r.adminKey().ifPresent(p -> readPublicKey(vm, p));
    Optional<Path> seed = r.image().map(i -> seedPath(vm));
    DomainSpec.Nic nic = r.nic().withMac(MacAddress.random());
    DomainSpec spec =
        new DomainSpec(
            vm,
            settings.virtType(),
            r.memory(),
            r.vcpus(),
            r.uefi() ? uefi(vm) : new DomainSpec.Bios(),
            List.of(backend.diskOf(vm)),
            seed,
            r.installer(),
            List.of(nic),
            r.vncListen(),
            DomainMetadata.vm("kvm-create"),
            r.directBoot(),
            r.os());
    String xml = DomainXmlWriter.write(spec);
    Created created = new Created();

    Plan.Builder plan = Plan.builder("kvm-create-" + vm);
    plan.add(
        Step.named("disk")
            .description(
                r.image()
                    .map(
                        i ->
                            "copy "
                                + i
                                + " to "
                                + backend.diskOf(vm).path()
                                + " ("
                                + r.disk()
                                + ")")
                    .orElse(
                        "create "
                            + r.disk()
                            + " "
                            + backend.name()
                            + " disk "
                            + backend.diskOf(vm).path()))
            .creates(backend.diskOf(vm).path().toString())
            .doneWhen(c -> backend.exists(vm))
            .apply(
                c -> {
                  created.disk = true;
                  if (r.image().isPresent()) {
                    backend.createFromImage(vm, r.image().get(), r.disk());
                  } else {
                    backend.create(vm, r.disk());
                  }
                }));
    List<String> defineAfter = new ArrayList<>(List.of("disk"));
    if (seed.isPresent()) {
      addSeedSteps(plan, vm, r.adminKey(), created, List.of(nic.mac().orElseThrow()));
      defineAfter.add("seed");
    }
    plan.add(
        defineStep(
            vm,
            xml,
            created,
            "define domain " + vm + " (" + r.memory() + ", " + r.vcpus() + " vCPUs)",
            defineAfter));
    if (r.start()) {
      plan.add(startStep(vm));
    }
    return new Change(plan.build(), () -> undo(vm, backend, created));
  }

  // ---------------------------------------------------------------- clone

  /** The clone plan; {@code snapshotName} is decided here so the caller can report it. */
  public Change clone(CloneRequest r) {
    VmName source = r.source();
    VmName target = r.target();
    if (source.equals(target)) {
      throw KldloadException.invalid(
          "kvm-clone " + target + ": the clone must have another name than its source",
          "choose a new name");
    }
    VmDomain src =
        hypervisor
            .domain(source.value())
            .orElseThrow(
                () ->
                    KldloadException.notFound(
                        "source VM " + source + " does not exist on " + hypervisor.uri(),
                        "see 'kvm-list'"));
    requireAbsent(target, "kvm-clone");
    DomainDefinition def = DomainDefinition.parse(src.xml());
    List<DomainDefinition.DiskEntry> disks = def.dataDisks();
    if (disks.size() != 1 || disks.get(0).source().isEmpty()) {
      throw KldloadException.precondition(
          "source VM " + source + " has " + disks.size() + " disks; kvm-clone clones one",
          "clone VMs made by kvm-create");
    }
    Path sourceDisk = disks.get(0).source().get();
    DiskBackend backend = backendOwning(source, sourceDisk);
    if (backend.exists(target)) {
      throw KldloadException.conflict(
          "kvm-clone " + target + ": disk " + backend.diskOf(target).path() + " already exists",
          "remove it, or choose another name");
    }
    r.adminKey().ifPresent(p -> readPublicKey(target, p));
    boolean takeSnapshot = r.snapshot().isEmpty();
    String snap = r.snapshot().orElseGet(() -> "clone-" + CLONE_STAMP.format(clock.instant()));
    if (!takeSnapshot && backend.findSnapshot(source, snap).isEmpty()) {
      throw KldloadException.notFound(
          "source VM " + source + " has no disk snapshot " + snap,
          "see 'kvm-snap " + source + " list', or omit --snap to take one");
    }
    String origin = source + "@" + snap;
    Optional<Path> nvram = def.nvram().map(p -> varsPath(target));
    Path seed = seedPath(target);
    DomainMetadata metadata =
        new DomainMetadata(
            "kvm-clone",
            def.metadata().map(DomainMetadata::role).filter(x -> !x.equals("golden")).orElse("vm"),
            def.metadata().flatMap(DomainMetadata::cluster),
            Optional.of(origin));
    List<MacAddress> macs = Stream.generate(MacAddress::random).limit(def.nics()).toList();
    String xml =
        CloneEditor.edit(
            src.xml(),
            target,
            Map.of(sourceDisk, backend.diskOf(target).path()),
            nvram,
            macs,
            Optional.of(seed),
            metadata);
    Created created = new Created();
    Plan.Builder plan = Plan.builder("kvm-clone-" + target);
    List<String> diskAfter = new ArrayList<>();
    if (takeSnapshot) {
      plan.add(
          Step.named("snapshot")
              .description(
                  "snapshot the disk of "
                      + source
                      + " as "
                      + snap
                      + quiesceNote(src.state(), backend.liveSnapshots()))
              .doneWhen(c -> backend.findSnapshot(source, snap).isPresent())
              .apply(
                  c -> {
                    created.snapshot = true;
                    quiesced(source, backend.liveSnapshots(), () -> backend.snapshot(source, snap));
                  }));
      diskAfter.add("snapshot");
    }
    plan.add(
        Step.named("disk")
            .description("clone " + origin + " to " + backend.diskOf(target).path())
            .after(diskAfter)
            .creates(backend.diskOf(target).path().toString())
            .doneWhen(c -> backend.exists(target))
            .apply(
                c -> {
                  created.disk = true;
                  backend.cloneFrom(
                      backend
                          .findSnapshot(source, snap)
                          .orElseThrow(
                              () ->
                                  KldloadException.notFound(
                                      "snapshot " + origin + " vanished", null)),
                      target);
                }));
    List<String> defineAfter = new ArrayList<>(List.of("disk", "seed"));
    if (nvram.isPresent()) {
      // the vars that go with the disk: those kept with a named snapshot, else the current ones
      Path from =
          r.snapshot()
              .map(s -> varsSnapshotPath(def.nvram().get(), source, s))
              .filter(Files::exists)
              .orElse(def.nvram().get());
      Path to = nvram.get();
      plan.add(
          Step.named("vars")
              .description("copy UEFI vars " + from + " to " + to)
              .creates(to.toString())
              .doneWhen(c -> Files.exists(to) || !Files.exists(from))
              .apply(
                  c -> {
                    created.vars = true;
                    Files.createDirectories(to.getParent());
                    PrivateFiles.copy(from, to);
                  }));
      defineAfter.add("vars");
    }
    addSeedSteps(plan, target, r.adminKey(), created, macs);
    plan.add(
        defineStep(
            target, xml, created, "define domain " + target + " from " + source, defineAfter));
    if (r.start()) {
      plan.add(startStep(target));
    }
    return new Change(
        plan.build(),
        () -> {
          undo(target, backend, created);
          if (created.snapshot) {
            // a snapshot only this failed run needed; kept when the backend still needs it
            try {
              backend.releaseOrigin(origin);
            } catch (RuntimeException e) {
              // best effort, as the rest of the undo
            }
          }
        });
  }

  /**
   * Runs {@code action} on a disk that is not changing: a running domain is paused when the backend
   * snapshots a live disk consistently (ZFS); otherwise its memory is saved and QEMU stopped (a
   * qcow2 file must not change under it), and the guest resumes from the saved state afterwards.
   * Always resumes what it stopped.
   */
  private void quiesced(VmName vm, boolean live, Runnable action) {
    DomainState state =
        hypervisor.domain(vm.value()).map(VmDomain::state).orElse(DomainState.SHUT_OFF);
    boolean pause = live && state == DomainState.RUNNING;
    boolean save = !live && state.active();
    if (pause) {
      hypervisor.suspend(vm.value());
    } else if (save) {
      hypervisor.saveState(vm.value());
    }
    try {
      action.run();
    } finally {
      if (pause) {
        hypervisor.resume(vm.value());
      } else if (save) {
        hypervisor.start(vm.value());
      }
    }
  }

  private static String quiesceNote(DomainState state, boolean live) {
    if (!state.active()) {
      return "";
    }
    return live ? " (paused meanwhile)" : " (memory saved, restored afterwards)";
  }

  // ---------------------------------------------------------------- delete

  /**
   * @param force power off a running domain, and delete one without our metadata
   */
  public Change delete(VmName vm, boolean force) {
    Optional<VmDomain> domain = hypervisor.domain(vm.value());
    Optional<DomainDefinition> def = domain.map(d -> DomainDefinition.parse(d.xml()));
    List<DiskBackend> disks = new ArrayList<>();
    for (DiskBackend b : backends) {
      if (b.exists(vm)) {
        disks.add(b);
      }
    }
    if (domain.isEmpty() && disks.isEmpty()) {
      throw KldloadException.notFound(
          "no VM named " + vm + " (no domain on " + hypervisor.uri() + ", no disk)",
          "see 'kvm-list'");
    }
    if (def.isPresent() && !def.get().ours() && !force) {
      throw KldloadException.precondition(
          "domain " + vm + " was not created by kldload (it has no kldload metadata)",
          "add --force to delete it anyway; only disks kldload made are removed");
    }
    List<String> dependents = new ArrayList<>();
    for (DiskBackend b : disks) {
      for (String d : b.dependents(vm)) {
        dependents.add(d + ": " + b.detachAdvice(d));
      }
    }
    if (!dependents.isEmpty()) {
      throw KldloadException.conflict(
          "VM "
              + vm
              + " has clones that depend on its disk, nothing was changed: "
              + String.join("; ", dependents),
          "delete or detach those clones first");
    }
    DomainState state = domain.map(VmDomain::state).orElse(DomainState.SHUT_OFF);
    if (state.active() && !force) {
      throw KldloadException.conflict(
          "VM " + vm + " is " + state.label() + "; shut it down first or use --force",
          "kvm-delete " + vm + " --force powers it off");
    }
    Plan.Builder plan = Plan.builder("kvm-delete-" + vm);
    List<String> after = new ArrayList<>();
    if (state.active()) {
      plan.add(
          Step.named("power-off")
              .description("power off " + vm + " (" + state.label() + ")")
              .doneWhen(c -> !currentState(vm).active())
              .apply(c -> hypervisor.powerOff(vm.value())));
      after.add("power-off");
    }
    if (domain.isPresent()) {
      plan.add(
          Step.named("undefine")
              .description("undefine domain " + vm + " with its snapshots")
              .after(after)
              .doneWhen(c -> hypervisor.domain(vm.value()).isEmpty())
              .apply(c -> hypervisor.undefine(vm.value())));
      after = List.of("undefine");
    }
    for (DiskBackend b : disks) {
      plan.add(
          Step.named("disk-" + b.name())
              .description(
                  "destroy the " + b.name() + " disk " + b.diskOf(vm).path() + " and its snapshots")
              .after(after)
              .doneWhen(c -> !b.exists(vm))
              .apply(c -> b.destroy(vm)));
    }
    List<Path> files = new ArrayList<>(List.of(seedPath(vm), varsPath(vm)));
    files.addAll(varsSnapshots(vm, varsPath(vm)));
    def.flatMap(DomainDefinition::nvram)
        .filter(n -> !n.equals(varsPath(vm)))
        .ifPresent(n -> files.addAll(varsSnapshots(vm, n)));
    Path keys = hostKeyDir(vm);
    plan.add(
        Step.named("files")
            .description(
                "remove the seed, UEFI vars (with their snapshot copies) and pinned host key of "
                    + vm)
            .after(after)
            .doneWhen(c -> files.stream().noneMatch(Files::exists) && !Files.exists(keys))
            .apply(
                c -> {
                  for (Path f : files) {
                    Files.deleteIfExists(f);
                  }
                  deleteTree(keys);
                }));
    Optional<String> origin =
        def.flatMap(DomainDefinition::metadata).flatMap(DomainMetadata::cloneOrigin);
    if (origin.isPresent() && def.get().ours()) {
      List<String> diskSteps = disks.stream().map(b -> "disk-" + b.name()).toList();
      plan.add(
          Step.named("origin")
              .description("remove snapshot " + origin.get() + " if no other clone uses it")
              .after(diskSteps.isEmpty() ? after : diskSteps)
              .nonCritical()
              .doneWhen(c -> false)
              .apply(
                  c -> {
                    for (DiskBackend b : backends) {
                      b.releaseOrigin(origin.get())
                          .forEach(removed -> c.note("removed " + removed));
                    }
                  }));
    }
    return new Change(plan.build(), () -> {});
  }

  // ---------------------------------------------------------------- snapshots

  public List<SnapshotInfo> snapshots(VmName vm) {
    VmDomain d = requireDomain(vm);
    return snapshots(vm, diskSnapshots(vm, DomainDefinition.parse(d.xml())));
  }

  /** The snapshots where they are kept: by the disk backend, else by libvirt. */
  private List<SnapshotInfo> snapshots(VmName vm, Optional<DiskSnapshots> disk) {
    return disk.map(b -> b.snapshots(vm)).orElseGet(() -> hypervisor.snapshots(vm.value()));
  }

  /**
   * The disk backend that keeps this VM's snapshots itself (a zvol), if any; otherwise libvirt's
   * snapshots are used.
   */
  private Optional<DiskSnapshots> diskSnapshots(VmName vm, DomainDefinition def) {
    Optional<Path> disk =
        def.dataDisks().stream().findFirst().flatMap(DomainDefinition.DiskEntry::source);
    if (disk.isEmpty()) {
      return Optional.empty();
    }
    for (DiskBackend b : backends) {
      if (b instanceof DiskSnapshots s && b.owner(disk.get()).filter(vm::equals).isPresent()) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Takes a snapshot, pausing a running domain meanwhile. */
  public Change snapshot(VmName vm, Optional<String> name) {
    VmDomain d = requireDomain(vm);
    String snap = name.orElseGet(() -> SNAP_STAMP.format(clock.instant()));
    validateSnapshotName(snap);
    DomainDefinition def = DomainDefinition.parse(d.xml());
    Optional<DiskSnapshots> disk = diskSnapshots(vm, def);
    Optional<Path> nvram = def.nvram();
    if (snapshots(vm, disk).stream().anyMatch(s -> s.name().equals(snap))) {
      throw KldloadException.conflict(
          "VM " + vm + " already has a snapshot " + snap, "choose another name");
    }
    Plan plan =
        Plan.builder("kvm-snap-" + vm)
            .add(
                Step.named("snapshot")
                    .description(
                        "snapshot "
                            + vm
                            + " as "
                            + snap
                            + quiesceNote(
                                d.state(), disk.map(DiskSnapshots::liveSnapshots).orElse(true)))
                    .doneWhen(
                        c -> snapshots(vm, disk).stream().anyMatch(s -> s.name().equals(snap)))
                    .apply(
                        c ->
                            quiesced(
                                vm,
                                disk.map(DiskSnapshots::liveSnapshots).orElse(true),
                                () -> {
                                  if (disk.isPresent()) {
                                    disk.get().snapshot(vm, snap);
                                    nvram.ifPresent(n -> saveVars(vm, n, snap));
                                  } else {
                                    hypervisor.createSnapshot(vm.value(), snap, "kvm-snap");
                                  }
                                })))
            .build();
    return new Change(plan, () -> {});
  }

  /**
   * Rolls back to {@code snap} (default: the newest). Snapshots newer than it are destroyed, and
   * only with {@code destroyNewer}: the refusal names each one.
   */
  public Change rollback(VmName vm, Optional<String> snap, boolean destroyNewer) {
    VmDomain d = requireDomain(vm);
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
                .doneWhen(c -> !currentState(vm).active())
                .apply(c -> hypervisor.powerOff(vm.value())));
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
                      nvram.ifPresent(v -> dropVars(vm, v, n));
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
                    hypervisor.discardSavedState(vm.value());
                    disk.get().rollback(vm, target);
                    if (nvram.isPresent() && !restoreVars(vm, nvram.get(), target)) {
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
              .apply(c -> hypervisor.revertToSnapshot(vm.value(), target)));
      last = "revert";
      for (String n : newer) {
        String id = "destroy-" + n;
        plan.add(
            Step.named(id)
                .description("destroy newer snapshot " + n)
                .after(last)
                .doneWhen(c -> snapshots(vm, disk).stream().noneMatch(s -> s.name().equals(n)))
                .apply(c -> hypervisor.deleteSnapshot(vm.value(), n)));
        last = id;
      }
    }
    if (wasRunning) {
      plan.add(
          Step.named("start")
              .description("start " + vm + " again (it was running)")
              .after(last)
              .doneWhen(c -> currentState(vm).active())
              .apply(c -> hypervisor.start(vm.value())));
    }
    return new Change(plan.build(), () -> {});
  }

  public Change deleteSnapshot(VmName vm, String snap) {
    VmDomain d = requireDomain(vm);
    DomainDefinition def = DomainDefinition.parse(d.xml());
    Optional<DiskSnapshots> disk = diskSnapshots(vm, def);
    Optional<Path> nvram = def.nvram();
    indexOf(snapshots(vm, disk), vm, snap);
    Plan plan =
        Plan.builder("kvm-snap-delete-" + vm)
            .add(
                Step.named("delete")
                    .description("delete snapshot " + snap + " of " + vm)
                    .doneWhen(
                        c -> snapshots(vm, disk).stream().noneMatch(s -> s.name().equals(snap)))
                    .apply(
                        c -> {
                          if (disk.isPresent()) {
                            // merging a qcow2 layer rewrites the file QEMU writes to
                            quiesced(
                                vm,
                                disk.get().liveSnapshots(),
                                () -> disk.get().destroySnapshot(vm, snap));
                            nvram.ifPresent(v -> dropVars(vm, v, snap));
                          } else {
                            hypervisor.deleteSnapshot(vm.value(), snap);
                          }
                        }))
            .build();
    return new Change(plan, () -> {});
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

  /** Letters, digits, '_', '-', '.'; not starting with '-'; at most 63. */
  public static String validateSnapshotName(String snap) {
    if (snap == null || !snap.matches("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,62}") || snap.contains("..")) {
      throw KldloadException.invalid(
          "snapshot name '"
              + (snap == null ? "" : snap.replaceAll("\\p{Cntrl}", "?"))
              + "' is not valid",
          "use 1-63 letters, digits, '_', '.' or '-', not starting with '-'");
    }
    return snap;
  }

  // ---------------------------------------------------------------- addresses

  /**
   * The guest's first IPv4 address (not loopback): from the DHCP lease table first, then from the
   * guest agent; empty when neither knows one yet.
   */
  public Optional<GuestAddress> address(VmName vm) {
    for (AddressSource source : List.of(AddressSource.LEASE, AddressSource.AGENT)) {
      Optional<GuestAddress> found =
          hypervisor.addresses(vm.value(), source).stream()
              .filter(a -> a.address().indexOf(':') < 0 && !a.address().startsWith("127."))
              .findFirst();
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** Waits for {@link #address} with a deadline (TIMEOUT naming the VM), never a fixed sleep. */
  public GuestAddress awaitAddress(VmName vm, Duration timeout, Conditions conditions)
      throws InterruptedException {
    return conditions.await("an IPv4 address of " + vm, timeout, () -> address(vm));
  }

  // ---------------------------------------------------------------- shared steps and checks

  private void addSeedSteps(
      Plan.Builder plan,
      VmName vm,
      Optional<Path> adminKey,
      Created created,
      List<MacAddress> macs) {
    Path generated = settings.stateDir().resolve("keys").resolve("admin_ed25519");
    Path publicKey = adminKey.orElse(generated.resolveSibling("admin_ed25519.pub"));
    List<String> after = new ArrayList<>();
    if (adminKey.isEmpty()) {
      plan.add(
          Step.named("admin-key")
              .description("generate the admin SSH key " + generated)
              .creates(generated.toString())
              .doneWhen(c -> Files.exists(publicKey))
              .apply(
                  c -> {
                    Files.createDirectories(
                        generated.getParent(),
                        PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                    runner.check(
                        ProcessSpec.of(
                                "ssh-keygen",
                                "-q",
                                "-t",
                                "ed25519",
                                "-N",
                                "",
                                "-C",
                                "kldload-admin",
                                "-f",
                                generated.toString())
                            .build());
                  }));
      after.add("admin-key");
    }
    Path iso = seedPath(vm);
    plan.add(
        Step.named("seed")
            .description("write the cloud-init seed " + iso + " (hostname, host key, admin key)")
            .after(after)
            .creates(iso.toString())
            .doneWhen(c -> Files.exists(iso))
            .apply(
                c -> {
                  created.seed = true;
                  HostKeys keys = HostKeys.generate(runner, vm.value());
                  Path dir = hostKeyDir(vm);
                  Files.createDirectories(dir);
                  Files.writeString(
                      dir.resolve("ssh_host_ed25519_key.pub"), keys.publicKey() + "\n");
                  SeedRequest request =
                      new SeedRequest(
                          vm + "-" + UUID.randomUUID().toString().substring(0, 8),
                          HostName.of(vm.value()),
                          readPublicKey(vm, publicKey),
                          keys,
                          macs,
                          List.of());
                  new NoCloudSeed(runner).writeIso(request, iso);
                }));
  }

  private Step defineStep(
      VmName vm, String xml, Created created, String description, List<String> after) {
    return Step.named("define")
        .description(description)
        .after(after)
        .creates("domain " + vm)
        .doneWhen(c -> hypervisor.domain(vm.value()).isPresent())
        .apply(
            c -> {
              created.domain = true;
              hypervisor.define(xml);
            });
  }

  private Step startStep(VmName vm) {
    return Step.named("start")
        .description("start " + vm)
        .after("define")
        .doneWhen(c -> currentState(vm).active())
        .apply(c -> hypervisor.start(vm.value()));
  }

  /** Removes what a failed create or clone made, newest first; keeps going past failures. */
  private void undo(VmName vm, DiskBackend backend, Created created) {
    List<Runnable> steps = new ArrayList<>();
    if (created.domain) {
      steps.add(
          () ->
              hypervisor
                  .domain(vm.value())
                  .ifPresent(
                      d -> {
                        if (d.state().active()) {
                          hypervisor.powerOff(vm.value());
                        }
                        hypervisor.undefine(vm.value());
                      }));
    }
    if (created.seed) {
      steps.add(() -> deleteQuietly(seedPath(vm)));
      steps.add(() -> deleteTree(hostKeyDir(vm)));
    }
    if (created.vars) {
      steps.add(() -> deleteQuietly(varsPath(vm)));
    }
    if (created.disk) {
      steps.add(() -> backend.destroy(vm));
    }
    for (Runnable step : steps) {
      try {
        step.run();
      } catch (RuntimeException e) {
        // best effort: the original failure is what the operator sees
      }
    }
  }

  /** What a run made, so that undo removes nothing else. */
  private static final class Created {
    volatile boolean disk;
    volatile boolean seed;
    volatile boolean vars;
    volatile boolean domain;
    volatile boolean snapshot;
  }

  private DomainState currentState(VmName vm) {
    return hypervisor.domain(vm.value()).map(VmDomain::state).orElse(DomainState.SHUT_OFF);
  }

  private VmDomain requireDomain(VmName vm) {
    return hypervisor
        .domain(vm.value())
        .orElseThrow(
            () ->
                KldloadException.notFound(
                    "VM " + vm + " does not exist on " + hypervisor.uri(), "see 'kvm-list'"));
  }

  private void requireAbsent(VmName vm, String tool) {
    if (hypervisor.domain(vm.value()).isPresent()) {
      throw KldloadException.conflict(
          tool + " " + vm + ": a domain named " + vm + " already exists on " + hypervisor.uri(),
          "choose another name, or delete it with 'kvm-delete " + vm + "'");
    }
  }

  private void requireNetwork(VmName vm, DomainSpec.Nic nic) {
    if (nic.kind() == DomainSpec.NicKind.NETWORK
        && hypervisor.networks().stream().noneMatch(n -> n.name().equals(nic.source()))) {
      throw KldloadException.notFound(
          "VM " + vm + ": libvirt network " + nic.source() + " does not exist",
          "see 'virsh net-list --all', or use --bridge IF");
    }
  }

  private void requireOvmf(VmName vm) {
    if (!Files.isReadable(settings.ovmfCode()) || !Files.isReadable(settings.ovmfVars())) {
      throw KldloadException.precondition(
          "VM " + vm + ": UEFI firmware " + settings.ovmfCode() + " is not installed",
          "apt-get install ovmf, or use --firmware bios");
    }
  }

  private static void requireReadable(VmName vm, Path file, String what) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw KldloadException.invalid(
          "VM " + vm + ": " + what + " " + file + " is not a readable file", "check the path");
    }
  }

  private DiskBackend backendOwning(VmName vm, Path disk) {
    for (DiskBackend b : backends) {
      if (b.owner(disk).filter(vm::equals).isPresent()) {
        return b;
      }
    }
    throw KldloadException.precondition(
        "VM " + vm + ": disk " + disk + " was not made by kvm-create or kvm-clone",
        "kvm-clone clones disks in "
            + settings.imagesDir()
            + " (qcow2) or under the VM dataset (zfs)");
  }

  static String readPublicKey(VmName vm, Path file) {
    try {
      String key = Files.readString(file).strip();
      if (!key.startsWith("ssh-") && !key.startsWith("ecdsa-")) {
        throw KldloadException.invalid(
            "VM " + vm + ": " + file + " is not an SSH public key", "give the .pub file");
      }
      return key;
    } catch (IOException e) {
      throw KldloadException.invalid(
          "VM " + vm + ": SSH public key " + file + " cannot be read", "check the path");
    }
  }

  private DomainSpec.Uefi uefi(VmName vm) {
    return new DomainSpec.Uefi(settings.ovmfCode(), settings.ovmfVars(), varsPath(vm));
  }

  public Path seedPath(VmName vm) {
    return settings.imagesDir().resolve(vm.value() + "-seed.iso");
  }

  public Path varsPath(VmName vm) {
    return settings.imagesDir().resolve(vm.value() + "_VARS.fd");
  }

  /**
   * The copy of a VM's UEFI vars kept with its disk snapshot {@code snap}, beside the vars file: a
   * rollback restores the boot entries the disk was snapshotted with.
   */
  static Path varsSnapshotPath(Path nvram, VmName vm, String snap) {
    return nvram.resolveSibling(vm.value() + "_VARS@" + snap + ".fd");
  }

  private static List<Path> varsSnapshots(VmName vm, Path nvram) {
    Path dir = nvram.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    String prefix = vm.value() + "_VARS@";
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              f ->
                  f.getFileName().toString().startsWith(prefix)
                      && f.getFileName().toString().endsWith(".fd"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void saveVars(VmName vm, Path nvram, String snap) {
    if (Files.exists(nvram)) {
      PrivateFiles.copy(nvram, varsSnapshotPath(nvram, vm, snap));
    }
  }

  /** Whether vars were kept with {@code snap} (and are now the VM's vars again). */
  private static boolean restoreVars(VmName vm, Path nvram, String snap) {
    Path kept = varsSnapshotPath(nvram, vm, snap);
    if (!Files.exists(kept)) {
      return false;
    }
    PrivateFiles.copy(kept, nvram);
    return true;
  }

  private static void dropVars(VmName vm, Path nvram, String snap) {
    try {
      Files.deleteIfExists(varsSnapshotPath(nvram, vm, snap));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path hostKeyDir(VmName vm) {
    return settings.stateDir().resolve("kvm").resolve(vm.value());
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // best effort during undo
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(walk.toList());
      Collections.reverse(all);
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
