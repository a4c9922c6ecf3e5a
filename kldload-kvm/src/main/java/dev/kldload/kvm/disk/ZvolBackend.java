package dev.kldload.kvm.disk;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.SnapshotInfo;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.Ownership;
import dev.kldload.zfs.Snapshot;
import dev.kldload.zfs.Zfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ZFS volumes under one parent dataset ({@code rpool/vms/<vm>}), through the {@link Zfs} port:
 * sparse, volblocksize 64K, lz4, carrying our {@code com.kldload:*} marks. A clone is a ZFS clone
 * of a snapshot (instant, no bytes copied); a paused domain is enough for a consistent snapshot.
 */
public final class ZvolBackend implements DiskBackend, DiskSnapshots {
  private static final Duration DEVICE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration COPY_TIMEOUT = Duration.ofMinutes(30);

  /**
   * Set on a volume while an image is copied into it and removed when the copy finished: a volume
   * still carrying it is the remains of an interrupted copy, made again by the next run.
   */
  static final String COPYING = Ownership.PREFIX + "copying";

  private final Zfs zfs;
  private final DatasetName parent;
  private final ProcessRunner runner;
  private final Clock clock;
  private final String volblocksize;
  private final Predicate<Path> deviceReady;
  private final CancellationToken cancellation;

  /**
   * @param deviceReady whether a zvol's device node exists (udev creates it after the volume)
   */
  public ZvolBackend(
      Zfs zfs,
      DatasetName parent,
      ProcessRunner runner,
      Clock clock,
      String volblocksize,
      Predicate<Path> deviceReady,
      CancellationToken cancellation) {
    this.zfs = zfs;
    this.parent = parent;
    this.runner = runner;
    this.clock = clock;
    this.volblocksize = volblocksize;
    this.deviceReady = deviceReady;
    this.cancellation = cancellation;
  }

  public static ZvolBackend onHost(
      Zfs zfs, DatasetName parent, ProcessRunner runner, Clock clock, CancellationToken token) {
    return new ZvolBackend(zfs, parent, runner, clock, "64K", Files::exists, token);
  }

  /**
   * The same backend creating volumes with another block size: a power of two from 512 to 1M,
   * written as ZFS takes it ({@code 8192}, {@code 16K}, {@code 1M}).
   */
  public ZvolBackend withVolblocksize(String size) {
    Matcher m = Pattern.compile("(\\d{1,7})([KkMm]?)").matcher(size == null ? "" : size);
    long bytes = -1;
    if (m.matches()) {
      int shift = m.group(2).isEmpty() ? 0 : m.group(2).equalsIgnoreCase("K") ? 10 : 20;
      bytes = Long.parseLong(m.group(1)) << shift;
    }
    if (bytes < 512 || bytes > (1 << 20) || Long.bitCount(bytes) != 1) {
      throw KldloadException.invalid(
          "--volblocksize '" + size + "' is not valid",
          "give a power of two from 512 to 1M, e.g. 16K or 64K");
    }
    return new ZvolBackend(
        zfs, parent, runner, clock, Long.toString(bytes), deviceReady, cancellation);
  }

  @Override
  public String name() {
    return "zfs";
  }

  private DatasetName dataset(VmName vm) {
    return DatasetName.of(parent.value() + "/" + vm.value());
  }

  private static Path device(DatasetName dataset) {
    return Path.of("/dev/zvol").resolve(dataset.value());
  }

  @Override
  public DomainSpec.Disk diskOf(VmName vm) {
    return new DomainSpec.Disk(DomainSpec.DiskKind.BLOCK, device(dataset(vm)));
  }

  @Override
  public Optional<VmName> owner(Path path) {
    Path base = Path.of("/dev/zvol").resolve(parent.value());
    Path p = path.normalize();
    if (!base.equals(p.getParent())) {
      return Optional.empty();
    }
    String name = p.getFileName().toString();
    try {
      return Optional.of(VmName.of(name));
    } catch (KldloadException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean exists(VmName vm) {
    return zfs.exists(dataset(vm));
  }

  private Map<String, String> properties(Ownership ownership, boolean volume) {
    Map<String, String> props = new LinkedHashMap<>();
    if (volume) {
      props.put("volblocksize", volblocksize);
      props.put("compression", "lz4");
    }
    props.putAll(ownership.toProperties());
    return props;
  }

  @Override
  public boolean partial(VmName vm) {
    return exists(vm) && zfs.property(dataset(vm), COPYING).isPresent();
  }

  /** Destroys what an interrupted copy left of this VM's volume. */
  private void removePartial(VmName vm) {
    if (partial(vm)) {
      zfs.destroy(dataset(vm), true);
    }
  }

  @Override
  public void create(VmName vm, ByteSize size) {
    removePartial(vm);
    DatasetName ds = dataset(vm);
    zfs.createVolume(
        ds, size, true, properties(Ownership.of("kvm-create", "vm", clock.instant()), true));
    awaitDevice(ds);
  }

  @Override
  public void createFromImage(VmName vm, Path image, ByteSize size) {
    createFromImage(vm, image, size, "kvm-create", "vm");
  }

  @Override
  public void createFromImage(VmName vm, Path image, ByteSize size, String owner, String role) {
    removePartial(vm);
    DatasetName ds = dataset(vm);
    Map<String, String> props = properties(Ownership.of(owner, role, clock.instant()), true);
    props.put(COPYING, image.toString());
    zfs.createVolume(ds, size, true, props);
    awaitDevice(ds);
    // the only full copy: the image's blocks into the zvol (-n: the target exists)
    runner.check(
        ProcessSpec.of(
                "qemu-img",
                "convert",
                "-q",
                "-n",
                "-O",
                "raw",
                image.toString(),
                device(dataset(vm)).toString())
            .timeout(COPY_TIMEOUT)
            .build());
    zfs.inheritProperty(ds, COPYING);
  }

  private void awaitDevice(DatasetName ds) {
    if (!runner.mutates()) {
      return;
    }
    Path dev = device(ds);
    try {
      new Conditions(Conditions.SYSTEM, cancellation, Duration.ofMillis(50), Duration.ofMillis(500))
          .awaitTrue("device " + dev, DEVICE_TIMEOUT, () -> deviceReady.test(dev));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KldloadException(ErrorKind.INTERRUPTED, "interrupted waiting for " + dev, null, e);
    }
  }

  @Override
  public DiskSnapshot snapshot(VmName vm, String name) {
    SnapshotName snap = new SnapshotName(dataset(vm), name);
    zfs.snapshot(snap, Ownership.of("kvm", "vm", clock.instant()).toProperties());
    return new DiskSnapshot(vm, name, snap.toString());
  }

  @Override
  public Optional<DiskSnapshot> findSnapshot(VmName vm, String name) {
    SnapshotName snap = new SnapshotName(dataset(vm), name);
    return zfs.snapshot(snap).map(s -> new DiskSnapshot(vm, name, snap.toString()));
  }

  @Override
  public void cloneFrom(DiskSnapshot snapshot, VmName target) {
    cloneFrom(snapshot, target, "kvm-clone", "vm");
  }

  @Override
  public void cloneFrom(DiskSnapshot snapshot, VmName target, String owner, String role) {
    removePartial(target);
    SnapshotName origin = SnapshotName.parse(snapshot.id());
    DatasetName ds = dataset(target);
    zfs.clone(
        origin,
        ds,
        properties(Ownership.of(owner, role, clock.instant()).withCloneOrigin(origin), false));
    awaitDevice(ds);
  }

  @Override
  public List<String> dependents(VmName vm) {
    List<String> out = new ArrayList<>();
    for (Snapshot s : zfs.snapshots(dataset(vm), false)) {
      for (DatasetName clone : s.clones()) {
        out.add(clone.value() + " (clone of " + s.name() + ")");
      }
    }
    return out;
  }

  @Override
  public String detachAdvice(String dependent) {
    return "run 'zfs promote " + dependent.substring(0, dependent.indexOf(' ')) + "' or delete it";
  }

  @Override
  public void destroy(VmName vm) {
    DatasetName ds = dataset(vm);
    if (zfs.exists(ds)) {
      zfs.destroy(ds, true);
    }
  }

  /** Destroys {@code vm@clone-*} origin snapshots we took, once no clone uses them. */
  @Override
  public List<String> releaseOrigin(String origin) {
    int at = origin.indexOf('@');
    if (at <= 0) {
      return List.of();
    }
    String vm = origin.substring(0, at);
    String snap = origin.substring(at + 1);
    if (!snap.startsWith("clone-")) {
      return List.of();
    }
    SnapshotName name;
    try {
      name = new SnapshotName(dataset(VmName.of(vm)), snap);
    } catch (KldloadException e) {
      return List.of();
    }
    Optional<Snapshot> s = zfs.snapshot(name);
    if (s.isEmpty() || s.get().hasClones() || s.get().ownership().isEmpty()) {
      return List.of();
    }
    zfs.destroySnapshot(name);
    return List.of(name.toString());
  }

  @Override
  public boolean liveSnapshots() {
    return true;
  }

  /** One listing of the parent's children answers for every disk. */
  @Override
  public Map<Path, DiskUsage> usage(Collection<Path> disks) {
    List<Path> ours = disks.stream().filter(d -> owner(d).isPresent()).toList();
    Map<Path, DiskUsage> out = new LinkedHashMap<>();
    if (ours.isEmpty()) {
      return out;
    }
    Map<Path, Dataset> volumes = new LinkedHashMap<>();
    for (Dataset d : zfs.datasets(parent, 1)) {
      if (d.isVolume()) {
        volumes.put(device(d.name()), d);
      }
    }
    for (Path disk : ours) {
      Dataset d = volumes.get(disk.normalize());
      if (d != null) {
        out.put(disk, new DiskUsage(d.volumeSize(), d.used()));
      }
    }
    return out;
  }

  @Override
  public List<SnapshotInfo> snapshots(VmName vm) {
    List<SnapshotInfo> out = new ArrayList<>();
    Optional<String> parent = Optional.empty();
    for (Snapshot s : zfs.snapshots(dataset(vm), false)) {
      out.add(new SnapshotInfo(s.name().snap(), s.created(), DomainState.UNKNOWN, parent, ""));
      parent = Optional.of(s.name().snap());
    }
    return out;
  }

  @Override
  public void rollback(VmName vm, String snapshot) {
    zfs.rollback(new SnapshotName(dataset(vm), snapshot));
  }

  @Override
  public void destroySnapshot(VmName vm, String snapshot) {
    zfs.destroySnapshot(new SnapshotName(dataset(vm), snapshot));
  }
}
