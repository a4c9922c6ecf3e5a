package dev.kldload.zfs.lzc;

import com.sun.jna.Native;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.Pool;
import dev.kldload.zfs.PoolStatus;
import dev.kldload.zfs.Snapshot;
import dev.kldload.zfs.Zfs;
import dev.kldload.zfs.ZfsErrors;
import dev.kldload.zfs.lzc.ZfsListing.SnapshotRow;
import dev.kldload.zfs.lzc.jna.Errno;
import dev.kldload.zfs.lzc.jna.LibC;
import dev.kldload.zfs.lzc.jna.Lzc;
import dev.kldload.zfs.lzc.jna.LzcException;
import dev.kldload.zfs.lzc.jna.NvList;
import dev.kldload.zfs.lzc.jna.PropertyEncoder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@link Zfs} on a real pool: mutations through libzfs_core in-process (one ioctl each, via {@link
 * Lzc}, which refuses to exist unless {@code libzfs_core_init()} succeeded); reads through {@code
 * zfs}/{@code zpool} with {@code -H -p}, parsed by {@link ZfsListing} (libzfs_core cannot list).
 * Mounting, native property changes and inheritance have no libzfs_core call and run {@code zfs};
 * user properties are set with one channel program.
 *
 * <p>libzfs_core errnos become {@link KldloadException}s here, per operation, so that the message
 * names the object that caused them.
 */
public final class LibzfsCoreZfs implements Zfs {
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration MUTATE_TIMEOUT = Duration.ofMinutes(5);

  /** Sets user properties: argv = dataset, key, value, key, value…; returns 0 or {prop, err}. */
  private static final String SET_USER_PROPS =
      String.join(
          "\n",
          "args = ...",
          "argv = args['argv']",
          "for i = 2, #argv, 2 do",
          "  local err = zfs.check.set_prop(argv[1], argv[i], argv[i + 1])",
          "  if err ~= 0 then return {prop = argv[i], err = err} end",
          "end",
          "for i = 2, #argv, 2 do",
          "  local err = zfs.sync.set_prop(argv[1], argv[i], argv[i + 1])",
          "  if err ~= 0 then return {prop = argv[i], err = err} end",
          "end",
          "return 0");

  private final ProcessRunner runner;
  private volatile Lzc lzc;

  public LibzfsCoreZfs(ProcessRunner runner) {
    this.runner = runner;
  }

  /**
   * The initialised library, or PRECONDITION. Every lzc call goes through here: after a failed init
   * no lzc function may be called (it would abort the JVM).
   */
  private Lzc lzc() {
    Lzc l = lzc;
    if (l != null) {
      return l;
    }
    try {
      l = Lzc.open();
    } catch (UnsatisfiedLinkError e) {
      throw new KldloadException(
          ErrorKind.PRECONDITION,
          "libzfs_core.so.3 cannot be loaded: " + e.getMessage(),
          "apt-get install libzfs4linux (Debian contrib)",
          e);
    } catch (LzcException e) {
      throw new KldloadException(
          ErrorKind.PRECONDITION,
          "libzfs_core_init failed: "
              + (e.errno() == Errno.ENOENT ? "/dev/zfs is absent" : "errno " + e.code()),
          "load the ZFS module (modprobe zfs) and run as root",
          e);
    }
    lzc = l;
    return l;
  }

  // ---- reads --------------------------------------------------------------------------------

  private Optional<String> read(List<String> argv) {
    ProcessResult r =
        runner.run(
            ProcessSpec.of(argv).timeout(READ_TIMEOUT).env("LC_ALL", "C").readOnly().build());
    if (r.ok()) {
      return Optional.of(r.stdout());
    }
    if (r.stderr().contains("does not exist") || r.stderr().contains("no such pool")) {
      return Optional.empty();
    }
    throw new KldloadException(
        ErrorKind.FAILED,
        String.join(" ", argv.subList(0, 2)) + " failed: " + r.errorTail(),
        "the command was: " + r.spec().display());
  }

  private Map<String, Map<String, String>> userProps(String types, List<String> scope) {
    List<String> argv =
        new ArrayList<>(List.of("zfs", "get", "-H", "-p", "-o", "name,property,value"));
    argv.addAll(List.of("-s", "local,received", "-t", types));
    argv.addAll(scope.subList(0, scope.size() - (scope.isEmpty() ? 0 : 1)));
    argv.add("all");
    if (!scope.isEmpty()) {
      argv.add(scope.get(scope.size() - 1));
    }
    return read(argv).map(ZfsListing::userProperties).orElse(Map.of());
  }

  private List<Dataset> listDatasets(List<String> scope) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "zfs",
                "list",
                "-H",
                "-p",
                "-o",
                ZfsListing.DATASET_COLUMNS,
                "-t",
                "filesystem,volume"));
    argv.addAll(scope);
    Optional<String> out = read(argv);
    if (out.isEmpty()) {
      return List.of();
    }
    return ZfsListing.datasets(out.get(), userProps("filesystem,volume", scope));
  }

  private List<SnapshotRow> listSnapshots(List<String> scope) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "zfs", "list", "-H", "-p", "-o", ZfsListing.SNAPSHOT_COLUMNS, "-t", "snapshot"));
    argv.addAll(scope);
    Optional<String> out = read(argv);
    if (out.isEmpty()) {
      return List.of();
    }
    return ZfsListing.snapshots(out.get(), userProps("snapshot", scope));
  }

  private static List<String> depthScope(DatasetName root, int depth) {
    return depth == Integer.MAX_VALUE
        ? List.of("-r", root.value())
        : List.of("-d", Integer.toString(depth), root.value());
  }

  @Override
  public Optional<Dataset> dataset(DatasetName name) {
    return listDatasets(List.of(name.value())).stream().findFirst();
  }

  @Override
  public Optional<Snapshot> snapshot(SnapshotName name) {
    return listSnapshots(List.of(name.toString())).stream().findFirst().map(SnapshotRow::snapshot);
  }

  @Override
  public boolean exists(DatasetName name) {
    return dataset(name).isPresent();
  }

  @Override
  public List<Dataset> datasets(DatasetName root, int depth) {
    return listDatasets(depthScope(root, depth));
  }

  @Override
  public List<Dataset> allDatasets() {
    return listDatasets(List.of());
  }

  @Override
  public List<Snapshot> snapshots(DatasetName dataset, boolean recursive) {
    return listSnapshots(depthScope(dataset, recursive ? Integer.MAX_VALUE : 1)).stream()
        .map(SnapshotRow::snapshot)
        .toList();
  }

  @Override
  public Optional<String> property(DatasetName name, String property) {
    return read(List.of("zfs", "get", "-H", "-p", "-o", "value", property, name.value()))
        .map(String::strip)
        .flatMap(ZfsListing::dash);
  }

  @Override
  public List<Pool> pools() {
    return read(List.of("zpool", "list", "-H", "-p", "-o", ZfsListing.POOL_COLUMNS))
        .map(ZfsListing::pools)
        .orElse(List.of());
  }

  @Override
  public Optional<Pool> pool(String name) {
    return read(List.of("zpool", "list", "-H", "-p", "-o", ZfsListing.POOL_COLUMNS, name))
        .map(ZfsListing::pools)
        .flatMap(p -> p.stream().findFirst());
  }

  @Override
  public Optional<PoolStatus> poolStatus(String pool) {
    return read(List.of("zpool", "status", pool)).flatMap(out -> ZfsListing.poolStatus(pool, out));
  }

  @Override
  public Set<String> holds(SnapshotName snapshot) {
    try {
      return lzc().holds(snapshot.toString());
    } catch (LzcException e) {
      if (e.errno() == Errno.ENOENT) {
        return Set.of();
      }
      throw LzcErrors.fromErrno(e.code(), "cannot read holds of", snapshot.toString());
    }
  }

  // ---- mutations ----------------------------------------------------------------------------

  private NvList encode(String object, Map<String, String> properties) {
    try {
      return PropertyEncoder.get().encode(properties);
    } catch (IllegalArgumentException e) {
      throw KldloadException.invalid(object + ": " + e.getMessage(), "see zfsprops(7)");
    } catch (UnsatisfiedLinkError e) {
      throw new KldloadException(
          ErrorKind.PRECONDITION,
          "libzfs.so.4 cannot be loaded: " + e.getMessage(),
          "apt-get install libzfs4linux (Debian contrib)",
          e);
    }
  }

  @Override
  public Dataset createFilesystem(DatasetName name, Map<String, String> properties) {
    Lzc l = lzc();
    try (NvList props = encode(name.value(), properties)) {
      l.create(name.value(), false, props);
    } catch (LzcException e) {
      throw createFailure(e, name);
    }
    return dataset(name).orElseThrow(() -> ZfsErrors.notFound(name));
  }

  @Override
  public Dataset createVolume(
      DatasetName name, ByteSize size, boolean sparse, Map<String, String> properties) {
    Map<String, String> all = new LinkedHashMap<>(properties);
    all.put("volsize", Long.toString(size.bytes()));
    if (!sparse) {
      // zfs create adds metadata overhead to this; the volume size is the part that matters
      all.putIfAbsent("refreservation", Long.toString(size.bytes()));
    }
    Lzc l = lzc();
    try (NvList props = encode(name.value(), all)) {
      l.create(name.value(), true, props);
    } catch (LzcException e) {
      throw createFailure(e, name);
    }
    return dataset(name).orElseThrow(() -> ZfsErrors.notFound(name));
  }

  private KldloadException createFailure(LzcException e, DatasetName name) {
    return switch (e.errno()) {
      case EEXIST -> ZfsErrors.exists(name);
      case ENOENT -> ZfsErrors.parentMissing(name, name.parent().orElse(name));
      default -> LzcErrors.fromErrno(e.code(), "cannot create", name.value());
    };
  }

  @Override
  public void snapshot(Collection<SnapshotName> snapshots, Map<String, String> userProperties) {
    Set<String> poolsSeen =
        snapshots.stream()
            .map(s -> s.dataset().pool())
            .collect(Collectors.toCollection(TreeSet::new));
    if (poolsSeen.size() > 1) {
      throw KldloadException.invalid(
          "snapshots " + snapshots + " span pools " + poolsSeen,
          "take snapshots of one pool at a time");
    }
    if (snapshots.isEmpty()) {
      return;
    }
    Lzc l = lzc();
    try (NvList props = encode("snapshot", userProperties)) {
      l.snapshot(snapshots.stream().map(SnapshotName::toString).distinct().toList(), props);
    } catch (LzcException e) {
      Map<String, Long> errors = e.errors().isEmpty() ? Map.of() : e.errors();
      if (errors.isEmpty() && snapshots.size() == 1) {
        errors = Map.of(snapshots.iterator().next().toString(), (long) e.code());
      }
      List<KldloadException> each = new ArrayList<>();
      errors.forEach(
          (snap, errno) -> {
            SnapshotName s = SnapshotName.parse(snap);
            each.add(
                switch (Errno.of(errno)) {
                  case EEXIST -> ZfsErrors.exists(s);
                  case ENOENT -> ZfsErrors.notFound(s.dataset());
                  default -> LzcErrors.fromErrno(errno, "cannot snapshot", snap);
                });
          });
      if (each.isEmpty()) {
        throw LzcErrors.fromErrno(e.code(), "cannot snapshot", snapshots.toString());
      }
      if (each.size() == 1) {
        throw each.get(0);
      }
      throw new KldloadException(
          each.get(0).kind(),
          "cannot snapshot: "
              + each.stream().map(Throwable::getMessage).collect(Collectors.joining("; ")),
          each.get(0).hint().orElse(null));
    }
  }

  @Override
  public void clone(SnapshotName origin, DatasetName target, Map<String, String> properties) {
    if (!origin.dataset().pool().equals(target.pool())) {
      throw ZfsErrors.crossPool(origin, target);
    }
    Lzc l = lzc();
    try (NvList props = encode(target.value(), properties)) {
      l.clone(target.value(), origin.toString(), props);
    } catch (LzcException e) {
      throw switch (e.errno()) {
        case EEXIST -> ZfsErrors.exists(target);
        case ENOENT ->
            l.exists(origin.toString())
                ? ZfsErrors.parentMissing(target, target.parent().orElse(target))
                : ZfsErrors.notFound(origin);
        default -> LzcErrors.fromErrno(e.code(), "cannot clone " + origin + " to", target.value());
      };
    }
  }

  @Override
  public void destroy(DatasetName name, boolean recursive) {
    List<Dataset> tree = datasets(name, Integer.MAX_VALUE);
    if (tree.isEmpty()) {
      throw ZfsErrors.notFound(name);
    }
    if (name.value().equals(name.pool())) {
      throw KldloadException.invalid(
          "cannot destroy " + name + ": it is the pool's root dataset", "use 'zpool destroy'");
    }
    List<SnapshotRow> snaps = listSnapshots(depthScope(name, Integer.MAX_VALUE));
    if (!recursive) {
      List<DatasetName> children =
          tree.stream().map(Dataset::name).filter(d -> !d.equals(name)).toList();
      if (!children.isEmpty()) {
        throw ZfsErrors.hasChildren(name, children);
      }
      if (!snaps.isEmpty()) {
        throw ZfsErrors.hasSnapshots(name, snaps.stream().map(s -> s.snapshot().name()).toList());
      }
    }
    Set<DatasetName> inTree = tree.stream().map(Dataset::name).collect(Collectors.toSet());
    List<DatasetName> outside = new ArrayList<>();
    List<SnapshotName> held = new ArrayList<>();
    for (SnapshotRow s : snaps) {
      s.snapshot().clones().stream().filter(c -> !inTree.contains(c)).forEach(outside::add);
      if (s.holds() > 0) {
        held.add(s.snapshot().name());
      }
    }
    if (!outside.isEmpty()) {
      throw ZfsErrors.busy(name, outside);
    }
    if (!held.isEmpty()) {
      throw ZfsErrors.busy(name, held);
    }
    Lzc l = lzc();
    // Leaves first, and a clone before the snapshot it depends on.
    Map<DatasetName, Dataset> remaining = new TreeMap<>();
    tree.forEach(d -> remaining.put(d.name(), d));
    while (!remaining.isEmpty()) {
      List<DatasetName> ready = new ArrayList<>();
      for (DatasetName d : remaining.keySet()) {
        boolean hasChild = remaining.keySet().stream().anyMatch(d::isAncestorOf);
        boolean cloned =
            snaps.stream()
                .filter(s -> s.snapshot().dataset().equals(d))
                .flatMap(s -> s.snapshot().clones().stream())
                .anyMatch(remaining::containsKey);
        if (!hasChild && !cloned) {
          ready.add(d);
        }
      }
      if (ready.isEmpty()) {
        throw ZfsErrors.busy(name, List.copyOf(remaining.keySet()));
      }
      for (DatasetName d : ready) {
        Dataset ds = remaining.remove(d);
        if (ds.mounted()) {
          unmount(d);
        }
        List<String> own =
            snaps.stream()
                .filter(s -> s.snapshot().dataset().equals(d))
                .map(s -> s.snapshot().name().toString())
                .toList();
        try {
          if (!own.isEmpty()) {
            l.destroySnapshots(own);
          }
          l.destroy(d.value());
        } catch (LzcException e) {
          throw e.errno() == Errno.EBUSY
              ? ZfsErrors.busy(d, dependentsOf(d))
              : LzcErrors.fromErrno(e.code(), "cannot destroy", d.value());
        }
      }
    }
  }

  private List<String> dependentsOf(DatasetName d) {
    List<String> out = new ArrayList<>();
    for (SnapshotRow s : listSnapshots(List.of("-d", "1", d.value()))) {
      s.snapshot().clones().forEach(c -> out.add(c.value()));
      if (s.holds() > 0) {
        out.add(s.snapshot().name() + " (held)");
      }
    }
    return out;
  }

  @Override
  public void destroySnapshots(Collection<SnapshotName> snapshots) {
    Map<String, List<String>> byPool = new TreeMap<>();
    snapshots.forEach(
        s -> byPool.computeIfAbsent(s.dataset().pool(), k -> new ArrayList<>()).add(s.toString()));
    if (byPool.isEmpty()) {
      return;
    }
    Lzc l = lzc();
    for (List<String> batch : byPool.values()) {
      try {
        l.destroySnapshots(batch);
      } catch (LzcException e) {
        Map<String, Long> errors =
            e.errors().isEmpty() && batch.size() == 1
                ? Map.of(batch.get(0), (long) e.code())
                : e.errors();
        for (Map.Entry<String, Long> err : errors.entrySet()) {
          SnapshotName s = SnapshotName.parse(err.getKey());
          Errno errno = Errno.of(err.getValue());
          if (errno == Errno.EEXIST || errno == Errno.EBUSY) {
            Optional<SnapshotRow> row = listSnapshots(List.of(s.toString())).stream().findFirst();
            if (row.isPresent() && row.get().snapshot().hasClones()) {
              throw ZfsErrors.hasDependentClones(s, row.get().snapshot().clones());
            }
            if (row.isPresent() && row.get().holds() > 0) {
              throw ZfsErrors.held(s, holds(s));
            }
            throw ZfsErrors.busy(s, List.of());
          }
          throw LzcErrors.fromErrno(err.getValue(), "cannot destroy", s.toString());
        }
        throw LzcErrors.fromErrno(e.code(), "cannot destroy", String.join(", ", batch));
      }
    }
  }

  @Override
  public void rollback(SnapshotName snapshot) {
    List<Snapshot> all = snapshots(snapshot.dataset(), false);
    Optional<Snapshot> target = all.stream().filter(s -> s.name().equals(snapshot)).findFirst();
    if (target.isEmpty()) {
      throw ZfsErrors.notFound(snapshot);
    }
    List<SnapshotName> newer =
        all.stream()
            .filter(s -> s.createTxg() > target.get().createTxg())
            .map(Snapshot::name)
            .toList();
    if (!newer.isEmpty()) {
      throw ZfsErrors.notNewest(snapshot, newer);
    }
    try {
      lzc().rollbackTo(snapshot.dataset().value(), snapshot.toString());
    } catch (LzcException e) {
      throw e.errno() == Errno.ENOENT
          ? ZfsErrors.notFound(snapshot)
          : LzcErrors.fromErrno(e.code(), "cannot roll back to", snapshot.toString());
    }
  }

  @Override
  public void promote(DatasetName clone) {
    Dataset d = dataset(clone).orElseThrow(() -> ZfsErrors.notFound(clone));
    if (!d.isClone()) {
      throw KldloadException.invalid(
          "cannot promote " + clone + ": it is not a clone", "only clones can be promoted");
    }
    try {
      lzc().promote(clone.value());
    } catch (LzcException e) {
      if (e.errno() == Errno.EEXIST) {
        String names = String.join(", ", e.errors().keySet());
        throw KldloadException.conflict(
            "cannot promote "
                + clone
                + ": snapshot names collide"
                + (names.isEmpty() ? "" : ": " + names),
            "rename the colliding snapshot first");
      }
      throw LzcErrors.fromErrno(e.code(), "cannot promote", clone.value());
    }
  }

  @Override
  public void rename(DatasetName from, DatasetName to) {
    if (!from.pool().equals(to.pool())) {
      throw ZfsErrors.crossPool(from, to);
    }
    Dataset d = dataset(from).orElseThrow(() -> ZfsErrors.notFound(from));
    if (from.isAncestorOf(to)) {
      throw KldloadException.invalid(
          "cannot rename " + from + " to its own descendant " + to, "choose another name");
    }
    if (d.mounted()) {
      unmount(from);
    }
    try {
      lzc().rename(from.value(), to.value());
    } catch (LzcException e) {
      throw switch (e.errno()) {
        case EEXIST -> ZfsErrors.exists(to);
        case ENOENT -> ZfsErrors.parentMissing(to, to.parent().orElse(to));
        default -> LzcErrors.fromErrno(e.code(), "cannot rename " + from + " to", to.value());
      };
    }
    if (d.mounted()) {
      mount(to);
    }
  }

  @Override
  public void mount(DatasetName filesystem) {
    Dataset d = dataset(filesystem).orElseThrow(() -> ZfsErrors.notFound(filesystem));
    if (d.mounted()) {
      return;
    }
    if (d.mountpoint().isEmpty()) {
      throw KldloadException.invalid(
          "cannot mount " + filesystem + ": it has no mountpoint",
          "set a mountpoint first (zfs set mountpoint=/PATH " + filesystem + ")");
    }
    mutate(List.of("zfs", "mount", filesystem.value()));
  }

  @Override
  public void unmount(DatasetName filesystem) {
    Dataset d = dataset(filesystem).orElseThrow(() -> ZfsErrors.notFound(filesystem));
    if (d.mounted()) {
      mutate(List.of("zfs", "unmount", filesystem.value()));
    }
  }

  private void mutate(List<String> argv) {
    ProcessResult r =
        runner.run(ProcessSpec.of(argv).timeout(MUTATE_TIMEOUT).env("LC_ALL", "C").build());
    if (!r.ok()) {
      String object = argv.get(argv.size() - 1);
      ErrorKind kind =
          r.stderr().contains("does not exist")
              ? ErrorKind.NOT_FOUND
              : r.stderr().contains("busy") ? ErrorKind.CONFLICT : ErrorKind.FAILED;
      throw new KldloadException(
          kind,
          "zfs " + argv.get(1) + " " + object + " failed: " + r.errorTail(),
          "the command was: " + r.spec().display());
    }
  }

  @Override
  public void setProperties(DatasetName name, Map<String, String> properties) {
    if (!exists(name)) {
      throw ZfsErrors.notFound(name);
    }
    Map<String, String> user = new LinkedHashMap<>();
    Map<String, String> nativeProps = new LinkedHashMap<>();
    properties.forEach((k, v) -> (k.indexOf(':') > 0 ? user : nativeProps).put(k, v));
    if (!user.isEmpty()) {
      List<String> argv = new ArrayList<>();
      argv.add(name.value());
      user.forEach(
          (k, v) -> {
            argv.add(k);
            argv.add(v);
          });
      Map<String, Object> out;
      try {
        out = lzc().channelProgram(name.pool(), SET_USER_PROPS, argv);
      } catch (LzcException e) {
        throw LzcErrors.fromErrno(e.code(), "cannot set properties on", name.value());
      }
      if (out.get("return") instanceof Map<?, ?> failed) {
        long errno = ((Number) failed.get("err")).longValue();
        throw LzcErrors.fromErrno(errno, "cannot set " + failed.get("prop") + " on", name.value());
      }
    }
    if (!nativeProps.isEmpty()) {
      List<String> argv = new ArrayList<>(List.of("zfs", "set"));
      nativeProps.forEach((k, v) -> argv.add(k + "=" + v));
      argv.add(name.value());
      mutate(argv);
    }
  }

  @Override
  public void inheritProperty(DatasetName name, String property) {
    if (!exists(name)) {
      throw ZfsErrors.notFound(name);
    }
    mutate(List.of("zfs", "inherit", property, name.value()));
  }

  @Override
  public void hold(SnapshotName snapshot, String tag) {
    try {
      lzc().hold(Map.of(snapshot.toString(), tag));
    } catch (LzcException e) {
      throw holdFailure(e, snapshot, tag, "hold");
    }
  }

  @Override
  public void release(SnapshotName snapshot, String tag) {
    try {
      lzc().release(Map.of(snapshot.toString(), Set.of(tag)));
    } catch (LzcException e) {
      throw holdFailure(e, snapshot, tag, "release");
    }
  }

  private KldloadException holdFailure(LzcException e, SnapshotName s, String tag, String what) {
    long code = firstError(e);
    return switch (Errno.of(code)) {
      case ENOENT -> ZfsErrors.notFound(s);
      case ESRCH -> KldloadException.notFound(s + " has no hold '" + tag + "'", null);
      case EEXIST -> KldloadException.conflict(s + " already has hold '" + tag + "'", null);
      default -> LzcErrors.fromErrno(code, "cannot " + what, s.toString());
    };
  }

  /** The one object's error of a single-object errlist call, else the call's own. */
  private static long firstError(LzcException e) {
    return e.errors().values().stream().findFirst().orElse((long) e.code());
  }

  @Override
  public void bookmark(SnapshotName snapshot, String bookmark) {
    String name = snapshot.dataset().value() + "#" + bookmark;
    try {
      lzc().bookmark(Map.of(name, snapshot.toString()));
    } catch (LzcException e) {
      long code = firstError(e);
      throw switch (Errno.of(code)) {
        case ENOENT -> ZfsErrors.notFound(snapshot);
        case EEXIST -> ZfsErrors.exists(name);
        default -> LzcErrors.fromErrno(code, "cannot bookmark", snapshot.toString());
      };
    }
  }

  @Override
  public void send(SnapshotName snapshot, Optional<SnapshotName> from, Path target) {
    Lzc l = lzc();
    int fd =
        LibC.INSTANCE.open(
            target.toString(), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_TRUNC | LibC.O_CLOEXEC, 0600);
    if (fd < 0) {
      throw new KldloadException(
          ErrorKind.FAILED, "cannot open " + target + ": errno " + Native.getLastError(), null);
    }
    try {
      l.send(snapshot.toString(), from.map(SnapshotName::toString).orElse(null), fd);
    } catch (LzcException e) {
      throw e.errno() == Errno.ENOENT
          ? ZfsErrors.notFound(snapshot)
          : LzcErrors.fromErrno(e.code(), "cannot send", snapshot.toString());
    } finally {
      LibC.INSTANCE.close(fd);
    }
  }

  @Override
  public void receive(SnapshotName snapshot, Path source) {
    Lzc l = lzc();
    int fd = LibC.INSTANCE.open(source.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
    if (fd < 0) {
      throw new KldloadException(
          ErrorKind.NOT_FOUND, "cannot open " + source + ": errno " + Native.getLastError(), null);
    }
    try {
      l.receive(snapshot.toString(), false, fd);
    } catch (LzcException e) {
      DatasetName ds = snapshot.dataset();
      throw switch (e.errno()) {
        case EEXIST -> ZfsErrors.exists(ds);
        case ENOENT -> ZfsErrors.parentMissing(ds, ds.parent().orElse(ds));
        default -> LzcErrors.fromErrno(e.code(), "cannot receive", snapshot.toString());
      };
    } finally {
      LibC.INSTANCE.close(fd);
    }
  }
}
