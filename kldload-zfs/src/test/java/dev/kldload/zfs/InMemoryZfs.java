package dev.kldload.zfs;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * An in-memory {@link Zfs} for unit tests of services that need no pool. Test code only: other
 * modules get it through this module's test-jar. It passes the same {@link ZfsContract} as the
 * libzfs_core adapter: same error kinds, same names in the messages, snapshot ordering by
 * transaction, clones blocking destruction, rollback only to the newest snapshot.
 *
 * <p>Sizes are synthetic: a dataset uses nothing, a non-sparse volume reserves its size, so pool
 * and dataset figures are consistent but not what a real pool would show.
 */
public final class InMemoryZfs implements Zfs {
  private static final String SEND_MAGIC = "kldload-inmemory-send-v1";

  private final Clock clock;
  private final Map<String, PoolNode> pools = new TreeMap<>();
  private final Map<String, Node> datasets = new TreeMap<>();
  private final Map<String, SnapNode> snapshots = new TreeMap<>();
  private long txg = 1;

  private static final class PoolNode {
    final String name;
    final long size;
    PoolHealth health = PoolHealth.ONLINE;
    String scan = "none requested";
    String errors = "No known data errors";

    PoolNode(String name, long size) {
      this.name = name;
      this.size = size;
    }
  }

  private static final class Node {
    DatasetType type;
    Instant created;
    long createTxg;
    long volumeSize;
    long reservation;
    SnapshotName origin;
    boolean mounted;
    final Map<String, String> props = new LinkedHashMap<>();
  }

  private static final class SnapNode {
    Instant created;
    long createTxg;
    long referenced;
    final Map<String, String> userProps = new LinkedHashMap<>();
    final Set<String> holds = new TreeSet<>();
  }

  public InMemoryZfs(Clock clock) {
    this.clock = clock;
  }

  /** A fake with one pool, as most tests need. */
  public static InMemoryZfs withPool(Clock clock, String pool, ByteSize size) {
    InMemoryZfs zfs = new InMemoryZfs(clock);
    zfs.addPool(pool, size);
    return zfs;
  }

  /** Imports an empty pool: its root dataset is a filesystem mounted at {@code /<pool>}. */
  public synchronized InMemoryZfs addPool(String name, ByteSize size) {
    DatasetName root = DatasetName.of(name);
    if (!root.pool().equals(name) || pools.containsKey(name)) {
      throw new IllegalArgumentException("bad or duplicate pool " + name);
    }
    pools.put(name, new PoolNode(name, size.bytes()));
    Node node = newNode(DatasetType.FILESYSTEM);
    node.props.put("mountpoint", "/" + name);
    node.mounted = true;
    datasets.put(name, node);
    return this;
  }

  /** Sets a pool's health and status lines, to test how tools report a sick pool. */
  public synchronized void setPoolStatus(
      String pool, PoolHealth health, String scan, String errors) {
    PoolNode p = requirePool(pool);
    p.health = health;
    p.scan = scan;
    p.errors = errors;
  }

  // ---- lookups ------------------------------------------------------------------------------

  @Override
  public synchronized Optional<Dataset> dataset(DatasetName name) {
    return Optional.ofNullable(datasets.get(name.value())).map(n -> view(name.value(), n));
  }

  @Override
  public synchronized Optional<Snapshot> snapshot(SnapshotName name) {
    return Optional.ofNullable(snapshots.get(name.toString())).map(s -> view(name, s));
  }

  @Override
  public synchronized List<Dataset> datasets(DatasetName root, int depth) {
    if (!datasets.containsKey(root.value())) {
      return List.of();
    }
    int base = root.components().size();
    List<Dataset> out = new ArrayList<>();
    for (Map.Entry<String, Node> e : datasets.entrySet()) {
      DatasetName n = DatasetName.of(e.getKey());
      if (n.equals(root) || (root.isAncestorOf(n) && n.components().size() - base <= depth)) {
        out.add(view(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  @Override
  public synchronized List<Dataset> allDatasets() {
    List<Dataset> out = new ArrayList<>();
    datasets.forEach((k, v) -> out.add(view(k, v)));
    return out;
  }

  @Override
  public synchronized List<Snapshot> snapshots(DatasetName dataset, boolean recursive) {
    if (!datasets.containsKey(dataset.value())) {
      return List.of();
    }
    return snapshots.entrySet().stream()
        .filter(
            e -> {
              String d = e.getKey().substring(0, e.getKey().indexOf('@'));
              return d.equals(dataset.value())
                  || (recursive && d.startsWith(dataset.value() + "/"));
            })
        .sorted((a, b) -> Long.compare(a.getValue().createTxg, b.getValue().createTxg))
        .map(e -> view(SnapshotName.parse(e.getKey()), e.getValue()))
        .toList();
  }

  @Override
  public synchronized Optional<String> property(DatasetName name, String property) {
    Node n = datasets.get(name.value());
    if (n == null) {
      return Optional.empty();
    }
    return switch (property) {
      case "type" -> Optional.of(n.type.zfsName());
      case "volsize" ->
          n.type == DatasetType.VOLUME
              ? Optional.of(Long.toString(n.volumeSize))
              : Optional.empty();
      case "origin" -> Optional.ofNullable(n.origin).map(SnapshotName::toString);
      case "creation" -> Optional.of(Long.toString(n.created.getEpochSecond()));
      default -> inherited(name.value(), property);
    };
  }

  private Optional<String> inherited(String name, String property) {
    for (String d = name; d != null; d = parentOf(d)) {
      Node n = datasets.get(d);
      if (n != null && n.props.containsKey(property)) {
        String v = n.props.get(property);
        if (property.equals("mountpoint") && !d.equals(name) && v.startsWith("/")) {
          return Optional.of(v + name.substring(d.length()));
        }
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized List<Pool> pools() {
    return pools.values().stream().map(this::view).toList();
  }

  @Override
  public synchronized Optional<PoolStatus> poolStatus(String pool) {
    PoolNode p = pools.get(pool);
    return p == null
        ? Optional.empty()
        : Optional.of(new PoolStatus(p.name, p.health, p.scan, p.errors));
  }

  @Override
  public synchronized Set<String> holds(SnapshotName snapshot) {
    SnapNode s = snapshots.get(snapshot.toString());
    return s == null ? Set.of() : Set.copyOf(s.holds);
  }

  // ---- mutations ----------------------------------------------------------------------------

  @Override
  public synchronized Dataset createFilesystem(DatasetName name, Map<String, String> properties) {
    checkCreatable(name);
    Node n = newNode(DatasetType.FILESYSTEM);
    n.props.putAll(properties);
    datasets.put(name.value(), n);
    return view(name.value(), n);
  }

  @Override
  public synchronized Dataset createVolume(
      DatasetName name, ByteSize size, boolean sparse, Map<String, String> properties) {
    checkCreatable(name);
    Node n = newNode(DatasetType.VOLUME);
    n.volumeSize = size.bytes();
    n.reservation = sparse ? 0 : size.bytes();
    if (!sparse && n.reservation > poolFree(name.pool())) {
      throw new KldloadException(
          ErrorKind.FAILED,
          "cannot create " + name + ": out of space",
          "create it sparse, or free space in pool " + name.pool());
    }
    n.props.putAll(properties);
    n.props.remove("volsize");
    datasets.put(name.value(), n);
    return view(name.value(), n);
  }

  @Override
  public synchronized void snapshot(
      Collection<SnapshotName> names, Map<String, String> userProperties) {
    List<String> failed = new ArrayList<>();
    KldloadException first = null;
    Set<String> poolsSeen = new TreeSet<>();
    Set<String> seen = new LinkedHashSet<>();
    for (SnapshotName s : names) {
      poolsSeen.add(s.dataset().pool());
      KldloadException e = null;
      if (!datasets.containsKey(s.dataset().value())) {
        e = ZfsErrors.notFound(s.dataset());
      } else if (snapshots.containsKey(s.toString()) || !seen.add(s.toString())) {
        e = ZfsErrors.exists(s);
      }
      if (e != null) {
        failed.add(s.toString());
        first = first == null ? e : first;
      }
    }
    if (poolsSeen.size() > 1) {
      throw KldloadException.invalid(
          "snapshots " + ZfsErrors.join(names) + " span pools " + poolsSeen,
          "take snapshots of one pool at a time");
    }
    if (first != null) {
      throw failed.size() == 1
          ? first
          : new KldloadException(
              first.kind(),
              "cannot snapshot " + ZfsErrors.join(failed) + ": " + first.getMessage(),
              first.hint().orElse(null));
    }
    long t = txg++;
    Instant now = clock.instant();
    for (SnapshotName s : names) {
      SnapNode sn = new SnapNode();
      sn.created = now;
      sn.createTxg = t;
      sn.userProps.putAll(userProperties);
      snapshots.put(s.toString(), sn);
    }
  }

  @Override
  public synchronized void clone(
      SnapshotName origin, DatasetName target, Map<String, String> properties) {
    if (!snapshots.containsKey(origin.toString())) {
      throw ZfsErrors.notFound(origin);
    }
    if (!origin.dataset().pool().equals(target.pool())) {
      throw ZfsErrors.crossPool(origin, target);
    }
    checkCreatable(target);
    Node source = datasets.get(origin.dataset().value());
    Node n = newNode(source.type);
    n.volumeSize = source.volumeSize;
    n.origin = origin;
    n.props.putAll(properties);
    datasets.put(target.value(), n);
  }

  @Override
  public synchronized void destroy(DatasetName name, boolean recursive) {
    if (!datasets.containsKey(name.value())) {
      throw ZfsErrors.notFound(name);
    }
    List<String> tree =
        datasets.keySet().stream()
            .filter(d -> d.equals(name.value()) || name.isAncestorOf(DatasetName.of(d)))
            .toList();
    List<String> treeSnaps =
        snapshots.keySet().stream()
            .filter(s -> tree.contains(SnapshotName.parse(s).dataset().value()))
            .toList();
    if (!recursive) {
      List<String> children = tree.stream().filter(d -> !d.equals(name.value())).toList();
      if (!children.isEmpty()) {
        throw ZfsErrors.hasChildren(name, children);
      }
      if (!treeSnaps.isEmpty()) {
        throw ZfsErrors.hasSnapshots(name, treeSnaps);
      }
    }
    List<String> outsideClones = new ArrayList<>();
    List<String> held = new ArrayList<>();
    for (String s : treeSnaps) {
      for (String c : clonesOf(s)) {
        if (!tree.contains(c)) {
          outsideClones.add(c);
        }
      }
      if (!snapshots.get(s).holds.isEmpty()) {
        held.add(s);
      }
    }
    if (!outsideClones.isEmpty()) {
      throw ZfsErrors.busy(name, outsideClones);
    }
    if (!held.isEmpty()) {
      throw ZfsErrors.busy(name, held);
    }
    if (name.value().equals(name.pool())) {
      throw KldloadException.invalid(
          "cannot destroy " + name + ": it is the pool's root dataset", "use 'zpool destroy'");
    }
    treeSnaps.forEach(snapshots::remove);
    tree.forEach(datasets::remove);
  }

  @Override
  public synchronized void destroySnapshots(Collection<SnapshotName> names) {
    for (SnapshotName s : names) {
      SnapNode sn = snapshots.get(s.toString());
      if (sn == null) {
        continue;
      }
      List<String> clones = clonesOf(s.toString());
      if (!clones.isEmpty()) {
        throw ZfsErrors.hasDependentClones(s, clones);
      }
      if (!sn.holds.isEmpty()) {
        throw ZfsErrors.held(s, sn.holds);
      }
    }
    names.forEach(s -> snapshots.remove(s.toString()));
  }

  @Override
  public synchronized void rollback(SnapshotName snapshot) {
    SnapNode target = snapshots.get(snapshot.toString());
    if (target == null) {
      throw ZfsErrors.notFound(snapshot);
    }
    List<String> newer =
        snapshots(snapshot.dataset(), false).stream()
            .filter(s -> s.createTxg() > target.createTxg)
            .map(s -> s.name().toString())
            .toList();
    if (!newer.isEmpty()) {
      throw ZfsErrors.notNewest(snapshot, newer);
    }
  }

  @Override
  public synchronized void promote(DatasetName clone) {
    Node n = datasets.get(clone.value());
    if (n == null) {
      throw ZfsErrors.notFound(clone);
    }
    if (n.origin == null) {
      throw KldloadException.invalid(
          "cannot promote " + clone + ": it is not a clone", "only clones can be promoted");
    }
    SnapshotName origin = n.origin;
    DatasetName oldHead = origin.dataset();
    SnapNode originNode = snapshots.get(origin.toString());
    // The origin snapshot and every older one move to the clone; the old head becomes its clone.
    List<Snapshot> moving =
        snapshots(oldHead, false).stream()
            .filter(s -> s.createTxg() <= originNode.createTxg)
            .toList();
    for (Snapshot s : moving) {
      if (snapshots.containsKey(clone.snapshot(s.name().snap()).toString())) {
        throw ZfsErrors.exists(clone.snapshot(s.name().snap()));
      }
    }
    SnapshotName newOrigin = clone.snapshot(origin.snap());
    for (Snapshot s : moving) {
      SnapNode sn = snapshots.remove(s.name().toString());
      snapshots.put(clone.snapshot(s.name().snap()).toString(), sn);
    }
    Node head = datasets.get(oldHead.value());
    SnapshotName headOrigin = head.origin;
    for (Node other : datasets.values()) {
      if (other != n
          && other.origin != null
          && other.origin.dataset().equals(oldHead)
          && moving.stream().anyMatch(m -> m.name().equals(other.origin))) {
        other.origin = clone.snapshot(other.origin.snap());
      }
    }
    head.origin = newOrigin;
    n.origin = headOrigin;
  }

  @Override
  public synchronized void rename(DatasetName from, DatasetName to) {
    if (!datasets.containsKey(from.value())) {
      throw ZfsErrors.notFound(from);
    }
    if (!from.pool().equals(to.pool())) {
      throw ZfsErrors.crossPool(from, to);
    }
    if (from.isAncestorOf(to)) {
      throw KldloadException.invalid(
          "cannot rename " + from + " to its own descendant " + to, "choose another name");
    }
    checkCreatable(to);
    String prefix = from.value();
    Map<String, Node> moved = new TreeMap<>();
    datasets
        .entrySet()
        .removeIf(
            e -> {
              if (e.getKey().equals(prefix) || e.getKey().startsWith(prefix + "/")) {
                moved.put(to.value() + e.getKey().substring(prefix.length()), e.getValue());
                return true;
              }
              return false;
            });
    datasets.putAll(moved);
    Map<String, SnapNode> movedSnaps = new TreeMap<>();
    snapshots
        .entrySet()
        .removeIf(
            e -> {
              String ds = e.getKey().substring(0, e.getKey().indexOf('@'));
              if (ds.equals(prefix) || ds.startsWith(prefix + "/")) {
                movedSnaps.put(to.value() + e.getKey().substring(prefix.length()), e.getValue());
                return true;
              }
              return false;
            });
    snapshots.putAll(movedSnaps);
    for (Node n : datasets.values()) {
      if (n.origin != null) {
        String ds = n.origin.dataset().value();
        if (ds.equals(prefix) || ds.startsWith(prefix + "/")) {
          n.origin =
              SnapshotName.parse(to.value() + n.origin.toString().substring(prefix.length()));
        }
      }
    }
  }

  @Override
  public synchronized void mount(DatasetName filesystem) {
    Node n = datasets.get(filesystem.value());
    if (n == null) {
      throw ZfsErrors.notFound(filesystem);
    }
    if (n.type != DatasetType.FILESYSTEM
        || inherited(filesystem.value(), "mountpoint").filter(m -> m.startsWith("/")).isEmpty()) {
      throw KldloadException.invalid(
          "cannot mount " + filesystem + ": it has no mountpoint",
          "set a mountpoint first (zfs set mountpoint=/PATH " + filesystem + ")");
    }
    n.mounted = true;
  }

  @Override
  public synchronized void unmount(DatasetName filesystem) {
    Node n = datasets.get(filesystem.value());
    if (n == null) {
      throw ZfsErrors.notFound(filesystem);
    }
    n.mounted = false;
  }

  @Override
  public synchronized void setProperties(DatasetName name, Map<String, String> properties) {
    Node n = datasets.get(name.value());
    if (n == null) {
      throw ZfsErrors.notFound(name);
    }
    for (String key : properties.keySet()) {
      if (READ_ONLY.contains(key)) {
        throw KldloadException.invalid(
            "cannot set " + key + " on " + name + ": read-only property", null);
      }
    }
    n.props.putAll(properties);
  }

  private static final Set<String> READ_ONLY =
      Set.of("type", "origin", "creation", "used", "available", "referenced", "createtxg");

  @Override
  public synchronized void inheritProperty(DatasetName name, String property) {
    Node n = datasets.get(name.value());
    if (n == null) {
      throw ZfsErrors.notFound(name);
    }
    n.props.remove(property);
  }

  @Override
  public synchronized void hold(SnapshotName snapshot, String tag) {
    SnapNode s = snapshots.get(snapshot.toString());
    if (s == null) {
      throw ZfsErrors.notFound(snapshot);
    }
    if (!s.holds.add(tag)) {
      throw KldloadException.conflict(snapshot + " already has hold '" + tag + "'", null);
    }
  }

  @Override
  public synchronized void release(SnapshotName snapshot, String tag) {
    SnapNode s = snapshots.get(snapshot.toString());
    if (s == null) {
      throw ZfsErrors.notFound(snapshot);
    }
    if (!s.holds.remove(tag)) {
      throw KldloadException.notFound(snapshot + " has no hold '" + tag + "'", null);
    }
  }

  @Override
  public synchronized void bookmark(SnapshotName snapshot, String bookmark) {
    if (!snapshots.containsKey(snapshot.toString())) {
      throw ZfsErrors.notFound(snapshot);
    }
  }

  @Override
  public synchronized void send(SnapshotName snapshot, Optional<SnapshotName> from, Path target) {
    if (!snapshots.containsKey(snapshot.toString())) {
      throw ZfsErrors.notFound(snapshot);
    }
    Node n = datasets.get(snapshot.dataset().value());
    String body =
        SEND_MAGIC + "\n" + n.type.zfsName() + "\n" + n.volumeSize + "\n" + snapshot.snap() + "\n";
    try {
      Files.writeString(target, body, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void receive(SnapshotName snapshot, Path source) {
    List<String> lines;
    try {
      lines = Files.readAllLines(source, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (lines.size() < 4 || !lines.get(0).equals(SEND_MAGIC)) {
      throw KldloadException.invalid(source + " is not a send stream", null);
    }
    DatasetName ds = snapshot.dataset();
    checkCreatable(ds);
    Node n = newNode(DatasetType.fromZfs(lines.get(1)));
    n.volumeSize = Long.parseLong(lines.get(2));
    datasets.put(ds.value(), n);
    SnapNode sn = new SnapNode();
    sn.created = clock.instant();
    sn.createTxg = txg++;
    snapshots.put(snapshot.toString(), sn);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private Node newNode(DatasetType type) {
    Node n = new Node();
    n.type = type;
    n.created = clock.instant();
    n.createTxg = txg++;
    return n;
  }

  private void checkCreatable(DatasetName name) {
    requirePool(name.pool());
    if (datasets.containsKey(name.value())) {
      throw ZfsErrors.exists(name);
    }
    DatasetName parent = name.parent().orElseThrow();
    Node p = datasets.get(parent.value());
    if (p == null) {
      throw ZfsErrors.parentMissing(name, parent);
    }
    if (p.type == DatasetType.VOLUME) {
      throw KldloadException.invalid(
          "cannot create " + name + ": parent " + parent + " is a volume",
          "volumes cannot have children");
    }
  }

  private PoolNode requirePool(String pool) {
    PoolNode p = pools.get(pool);
    if (p == null) {
      throw KldloadException.notFound(
          "pool " + pool + " does not exist", "list the imported pools with 'zpool list'");
    }
    return p;
  }

  private List<String> clonesOf(String snapshot) {
    List<String> out = new ArrayList<>();
    datasets.forEach(
        (k, v) -> {
          if (v.origin != null && v.origin.toString().equals(snapshot)) {
            out.add(k);
          }
        });
    return out;
  }

  private static String parentOf(String name) {
    int i = name.lastIndexOf('/');
    return i < 0 ? null : name.substring(0, i);
  }

  private long poolAllocated(String pool) {
    return datasets.entrySet().stream()
        .filter(e -> DatasetName.of(e.getKey()).pool().equals(pool))
        .mapToLong(e -> e.getValue().reservation)
        .sum();
  }

  private long poolFree(String pool) {
    return pools.get(pool).size - poolAllocated(pool);
  }

  private Dataset view(String name, Node n) {
    DatasetName dn = DatasetName.of(name);
    Optional<Path> mountpoint = Optional.empty();
    if (n.type == DatasetType.FILESYSTEM) {
      mountpoint = inherited(name, "mountpoint").filter(m -> m.startsWith("/")).map(Path::of);
    }
    long used =
        n.reservation
            + datasets.entrySet().stream()
                .filter(e -> dn.isAncestorOf(DatasetName.of(e.getKey())))
                .mapToLong(e -> e.getValue().reservation)
                .sum();
    long quota = Optional.ofNullable(n.props.get("quota")).map(Long::parseLong).orElse(0L);
    return new Dataset(
        dn,
        n.type,
        used,
        poolFree(dn.pool()),
        n.reservation,
        1.0,
        quota,
        n.volumeSize,
        mountpoint,
        mountpoint.isPresent() && n.mounted,
        Optional.ofNullable(n.origin),
        n.created,
        userProps(n.props));
  }

  private Snapshot view(SnapshotName name, SnapNode s) {
    return new Snapshot(
        name,
        s.created,
        s.createTxg,
        0,
        s.referenced,
        clonesOf(name.toString()).stream().map(DatasetName::of).toList(),
        s.userProps);
  }

  private Pool view(PoolNode p) {
    long alloc = poolAllocated(p.name);
    return new Pool(
        p.name,
        p.health,
        p.size,
        alloc,
        p.size - alloc,
        0,
        (int) (p.size == 0 ? 0 : alloc * 100 / p.size));
  }

  private static Map<String, String> userProps(Map<String, String> props) {
    return props.entrySet().stream()
        .filter(e -> e.getKey().indexOf(':') > 0)
        .collect(
            Collectors.toMap(
                Map.Entry::getKey, Map.Entry::getValue, (a, b) -> b, LinkedHashMap::new));
  }
}
