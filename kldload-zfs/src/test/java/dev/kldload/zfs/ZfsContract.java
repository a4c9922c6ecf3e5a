package dev.kldload.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link Zfs} implementation promises. {@link InMemoryZfsTest} runs it on the
 * fake; {@code LibzfsCoreZfsLabIT} runs it on a real pool in the lab VM. Each test works below
 * {@link #sandbox()}, an empty filesystem the subclass provides fresh for each test.
 */
public abstract class ZfsContract {

  /** The implementation under test. */
  protected abstract Zfs zfs();

  /** An existing, empty filesystem that belongs to this test alone. */
  protected abstract DatasetName sandbox();

  private static final Map<String, String> MARKS =
      Ownership.of("contract", "test", Instant.parse("2026-11-26T10:00:00Z")).toProperties();

  private DatasetName ds(String leaf) {
    return sandbox().child(leaf);
  }

  private static KldloadException failure(Runnable action) {
    try {
      action.run();
    } catch (KldloadException e) {
      return e;
    }
    throw new AssertionError("expected a KldloadException");
  }

  @Test
  @DisplayName("a created filesystem is found with its user properties, which children do not get")
  void createFilesystem() {
    DatasetName a = ds("a");
    Dataset created = zfs().createFilesystem(a, MARKS);
    zfs().createFilesystem(a.child("child"), Map.of());

    Dataset found = zfs().dataset(a).orElseThrow();
    assertThat(created.name()).isEqualTo(a);
    assertThat(found.type()).isEqualTo(DatasetType.FILESYSTEM);
    assertThat(found.isClone()).isFalse();
    assertThat(found.ownership())
        .hasValueSatisfying(
            o -> {
              assertThat(o.owner()).isEqualTo("contract");
              assertThat(o.role()).isEqualTo("test");
            });
    assertThat(zfs().dataset(a.child("child")).orElseThrow().ownership()).isEmpty();
    assertThat(zfs().exists(a)).isTrue();
  }

  @Test
  @DisplayName("lookups of missing objects are empty, not errors")
  void missingLookups() {
    assertThat(zfs().dataset(ds("nope"))).isEmpty();
    assertThat(zfs().snapshot(ds("nope").snapshot("s"))).isEmpty();
    assertThat(zfs().snapshot(sandbox().snapshot("nope"))).isEmpty();
    assertThat(zfs().snapshots(ds("nope"), true)).isEmpty();
    assertThat(zfs().datasets(ds("nope"), 1)).isEmpty();
    assertThat(zfs().exists(ds("nope"))).isFalse();
    assertThat(zfs().property(ds("nope"), "compression")).isEmpty();
  }

  @Test
  @DisplayName("creating an existing dataset is a conflict naming it")
  void createExisting() {
    DatasetName a = ds("dup");
    zfs().createFilesystem(a, Map.of());
    KldloadException e = failure(() -> zfs().createFilesystem(a, Map.of()));
    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(e.getMessage()).contains(a.value());
  }

  @Test
  @DisplayName("creating below a missing parent is not-found naming the dataset")
  void createMissingParent() {
    DatasetName orphan = ds("missing").child("orphan");
    KldloadException e = failure(() -> zfs().createFilesystem(orphan, Map.of()));
    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(e.getMessage()).contains(orphan.value());
    assertThat(zfs().exists(orphan)).isFalse();
  }

  @Test
  @DisplayName("a sparse volume has its size, no mountpoint and its properties")
  void createVolume() {
    DatasetName v = ds("vol");
    zfs()
        .createVolume(
            v,
            ByteSize.parse("64M"),
            true,
            Map.of("volblocksize", "16384", "com.kldload:role", "vm"));
    Dataset found = zfs().dataset(v).orElseThrow();
    assertThat(found.type()).isEqualTo(DatasetType.VOLUME);
    assertThat(found.isVolume()).isTrue();
    assertThat(found.volumeSize()).isEqualTo(64L << 20);
    assertThat(found.mountpoint()).isEmpty();
    assertThat(found.userProperty("com.kldload:role")).contains("vm");
    assertThat(zfs().property(v, "volblocksize")).contains("16384");
  }

  @Test
  @DisplayName("several snapshots are taken atomically with their user properties")
  void snapshotAtomic() {
    DatasetName a = ds("a");
    DatasetName b = ds("b");
    zfs().createFilesystem(a, Map.of());
    zfs().createFilesystem(b, Map.of());
    zfs().snapshot(List.of(a.snapshot("s1"), b.snapshot("s1")), MARKS);

    Snapshot sa = zfs().snapshot(a.snapshot("s1")).orElseThrow();
    Snapshot sb = zfs().snapshot(b.snapshot("s1")).orElseThrow();
    assertThat(sa.createTxg()).isEqualTo(sb.createTxg());
    assertThat(sa.ownership()).map(Ownership::owner).contains("contract");
    assertThat(sa.dataset()).isEqualTo(a);
  }

  @Test
  @DisplayName("when one snapshot of a batch fails, none is taken and the failure names it")
  void snapshotAllOrNothing() {
    DatasetName a = ds("a");
    zfs().createFilesystem(a, Map.of());
    zfs().snapshot(a.snapshot("taken"), Map.of());
    DatasetName b = ds("b");
    zfs().createFilesystem(b, Map.of());

    KldloadException e =
        failure(() -> zfs().snapshot(List.of(b.snapshot("taken"), a.snapshot("taken")), Map.of()));
    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(e.getMessage()).contains(a.snapshot("taken").toString());
    assertThat(zfs().snapshot(b.snapshot("taken"))).isEmpty();
  }

  @Test
  @DisplayName("snapshot of a missing dataset is not-found naming it")
  void snapshotMissing() {
    SnapshotName s = ds("ghost").snapshot("s");
    KldloadException e = failure(() -> zfs().snapshot(s, Map.of()));
    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(e.getMessage()).contains(ds("ghost").value());
  }

  @Test
  @DisplayName("snapshots are listed oldest first, of descendants only when recursive")
  void snapshotOrder() {
    DatasetName a = ds("a");
    zfs().createFilesystem(a, Map.of());
    zfs().createFilesystem(a.child("c"), Map.of());
    zfs().snapshot(a.snapshot("z-first"), Map.of());
    zfs().snapshot(a.snapshot("a-second"), Map.of());
    zfs().snapshot(a.child("c").snapshot("third"), Map.of());

    assertThat(zfs().snapshots(a, false))
        .extracting(s -> s.name().snap())
        .containsExactly("z-first", "a-second");
    assertThat(zfs().snapshots(a, true))
        .extracting(s -> s.name().toString())
        .containsExactly(
            a.snapshot("z-first").toString(),
            a.snapshot("a-second").toString(),
            a.child("c").snapshot("third").toString());
  }

  @Test
  @DisplayName("datasets lists the root and descendants to the given depth, by name")
  void datasetsDepth() {
    DatasetName a = ds("a");
    zfs().createFilesystem(a, Map.of());
    zfs().createFilesystem(a.child("b"), Map.of());
    zfs().createFilesystem(a.child("b").child("c"), Map.of());
    assertThat(zfs().datasets(a, 0)).extracting(Dataset::name).containsExactly(a);
    assertThat(zfs().datasets(a, 1)).extracting(Dataset::name).containsExactly(a, a.child("b"));
    assertThat(zfs().datasets(a, Integer.MAX_VALUE))
        .extracting(Dataset::name)
        .containsExactly(a, a.child("b"), a.child("b").child("c"));
    assertThat(zfs().allDatasets()).extracting(Dataset::name).contains(a, a.child("b"));
  }

  @Test
  @DisplayName("a clone records its origin; the snapshot lists it and cannot be destroyed")
  void cloneDependency() {
    DatasetName src = ds("src");
    zfs().createFilesystem(src, Map.of());
    SnapshotName snap = src.snapshot("golden");
    zfs().snapshot(snap, Map.of());
    DatasetName clone = ds("clone");
    zfs()
        .clone(
            snap,
            clone,
            Ownership.of("contract", "clone", Instant.EPOCH).withCloneOrigin(snap).toProperties());

    Dataset c = zfs().dataset(clone).orElseThrow();
    assertThat(c.origin()).contains(snap);
    assertThat(c.ownership().flatMap(Ownership::cloneOrigin)).contains(snap);
    assertThat(zfs().snapshot(snap).orElseThrow().clones()).containsExactly(clone);

    KldloadException e = failure(() -> zfs().destroySnapshot(snap));
    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(e.getMessage()).contains(snap.toString()).contains(clone.value());
    assertThat(zfs().snapshot(snap)).isPresent();
  }

  @Test
  @DisplayName("a clone of a volume is a volume of the same size")
  void cloneVolume() {
    DatasetName v = ds("vol");
    zfs().createVolume(v, ByteSize.parse("32M"), true, Map.of());
    zfs().snapshot(v.snapshot("g"), Map.of());
    zfs().clone(v.snapshot("g"), ds("vol2"), Map.of());
    Dataset c = zfs().dataset(ds("vol2")).orElseThrow();
    assertThat(c.type()).isEqualTo(DatasetType.VOLUME);
    assertThat(c.volumeSize()).isEqualTo(32L << 20);
  }

  @Test
  @DisplayName("clone onto an existing name is a conflict; from a missing snapshot not-found")
  void cloneFailures() {
    DatasetName src = ds("src");
    zfs().createFilesystem(src, Map.of());
    zfs().snapshot(src.snapshot("s"), Map.of());
    KldloadException exists = failure(() -> zfs().clone(src.snapshot("s"), src, Map.of()));
    assertThat(exists.kind()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(exists.getMessage()).contains(src.value());

    KldloadException missing = failure(() -> zfs().clone(src.snapshot("nope"), ds("c"), Map.of()));
    assertThat(missing.kind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(missing.getMessage()).contains(src.snapshot("nope").toString());
  }

  @Test
  @DisplayName(
      "destroy without recursion refuses a dataset with snapshots or children, naming them")
  void destroyRefusesNonEmpty() {
    DatasetName a = ds("a");
    zfs().createFilesystem(a, Map.of());
    zfs().snapshot(a.snapshot("s"), Map.of());
    KldloadException snaps = failure(() -> zfs().destroy(a, false));
    assertThat(snaps.kind()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(snaps.getMessage()).contains(a.value());

    DatasetName b = ds("b");
    zfs().createFilesystem(b, Map.of());
    zfs().createFilesystem(b.child("kid"), Map.of());
    KldloadException kids = failure(() -> zfs().destroy(b, false));
    assertThat(kids.kind()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(kids.getMessage()).contains(b.child("kid").value());
    assertThat(zfs().exists(b.child("kid"))).isTrue();
  }

  @Test
  @DisplayName("recursive destroy removes the tree with its snapshots")
  void destroyRecursive() {
    DatasetName a = ds("a");
    zfs().createFilesystem(a, Map.of());
    zfs().createVolume(a.child("v"), ByteSize.parse("8M"), true, Map.of());
    zfs().snapshot(List.of(a.snapshot("s"), a.child("v").snapshot("s")), Map.of());
    zfs().clone(a.child("v").snapshot("s"), a.child("v-clone"), Map.of());

    zfs().destroy(a, true);
    assertThat(zfs().exists(a)).isFalse();
    assertThat(zfs().exists(a.child("v-clone"))).isFalse();
    assertThat(zfs().snapshot(a.snapshot("s"))).isEmpty();
  }

  @Test
  @DisplayName("recursive destroy refuses when a clone outside the tree depends on it, naming it")
  void destroyRecursiveRefusesOutsideClone() {
    DatasetName a = ds("a");
    zfs().createFilesystem(a, Map.of());
    zfs().snapshot(a.snapshot("g"), Map.of());
    DatasetName outside = ds("outside");
    zfs().clone(a.snapshot("g"), outside, Map.of());

    KldloadException e = failure(() -> zfs().destroy(a, true));
    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(e.getMessage()).contains(a.value()).contains(outside.value());
    assertThat(zfs().snapshot(a.snapshot("g"))).isPresent();
    assertThat(zfs().exists(a)).isTrue();
  }

  @Test
  @DisplayName("destroy of a missing dataset is not-found; of missing snapshots a no-op")
  void destroyMissing() {
    KldloadException e = failure(() -> zfs().destroy(ds("ghost"), false));
    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(e.getMessage()).contains(ds("ghost").value());
    zfs().destroySnapshots(List.of(sandbox().snapshot("ghost")));
  }

  @Test
  @DisplayName("destroySnapshots removes them all")
  void destroySnapshots() {
    DatasetName a = ds("a");
    zfs().createFilesystem(a, Map.of());
    zfs().snapshot(a.snapshot("1"), Map.of());
    zfs().snapshot(a.snapshot("2"), Map.of());
    zfs().destroySnapshots(List.of(a.snapshot("1"), a.snapshot("2")));
    assertThat(zfs().snapshots(a, false)).isEmpty();
    zfs().destroy(a, false);
    assertThat(zfs().exists(a)).isFalse();
  }

  @Test
  @DisplayName("rollback goes only to the newest snapshot; otherwise it names the newer ones")
  void rollbackNewestOnly() {
    DatasetName a = ds("a");
    zfs().createFilesystem(a, Map.of());
    zfs().snapshot(a.snapshot("old"), Map.of());
    zfs().snapshot(a.snapshot("new"), Map.of());

    KldloadException e = failure(() -> zfs().rollback(a.snapshot("old")));
    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(e.getMessage()).contains(a.snapshot("new").toString());
    assertThat(zfs().snapshot(a.snapshot("new"))).isPresent();

    zfs().rollback(a.snapshot("new"));
    zfs().destroySnapshot(a.snapshot("new"));
    zfs().rollback(a.snapshot("old"));
    assertThat(zfs().snapshots(a, false)).extracting(s -> s.name().snap()).containsExactly("old");

    KldloadException missing = failure(() -> zfs().rollback(a.snapshot("gone")));
    assertThat(missing.kind()).isEqualTo(ErrorKind.NOT_FOUND);
  }

  @Test
  @DisplayName("promote moves the origin: the clone becomes independent, the source its clone")
  void promote() {
    DatasetName src = ds("src");
    zfs().createFilesystem(src, Map.of());
    zfs().snapshot(src.snapshot("g"), Map.of());
    DatasetName clone = ds("clone");
    zfs().clone(src.snapshot("g"), clone, Map.of());

    zfs().promote(clone);
    assertThat(zfs().dataset(clone).orElseThrow().origin()).isEmpty();
    assertThat(zfs().dataset(src).orElseThrow().origin()).contains(clone.snapshot("g"));
    assertThat(zfs().snapshot(clone.snapshot("g"))).isPresent();
    assertThat(zfs().snapshot(src.snapshot("g"))).isEmpty();
  }

  @Test
  @DisplayName("rename moves the dataset with its snapshots; onto an existing name is a conflict")
  void rename() {
    DatasetName a = ds("a");
    zfs().createFilesystem(a, Map.of());
    zfs().snapshot(a.snapshot("s"), Map.of());
    zfs().rename(a, ds("b"));
    assertThat(zfs().exists(a)).isFalse();
    assertThat(zfs().snapshot(ds("b").snapshot("s"))).isPresent();

    zfs().createFilesystem(ds("c"), Map.of());
    KldloadException e = failure(() -> zfs().rename(ds("c"), ds("b")));
    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(e.getMessage()).contains(ds("b").value());
  }

  @Test
  @DisplayName("user and native properties can be set, read and inherited back")
  void properties() {
    DatasetName a = ds("a");
    zfs().createFilesystem(a, Map.of("compression", "lz4"));
    zfs().setProperties(a, Map.of("com.kldload:role", "golden", "com.kldload:owner", "t"));
    assertThat(zfs().property(a, "compression")).contains("lz4");
    assertThat(zfs().property(a, "com.kldload:role")).contains("golden");
    assertThat(zfs().dataset(a).orElseThrow().userProperties())
        .containsEntry("com.kldload:role", "golden");

    zfs().inheritProperty(a, "com.kldload:role");
    assertThat(zfs().dataset(a).orElseThrow().userProperties())
        .doesNotContainKey("com.kldload:role");
    assertThat(zfs().property(a, "com.kldload:role")).isEmpty();

    KldloadException e = failure(() -> zfs().setProperties(ds("ghost"), Map.of("a:b", "c")));
    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
  }

  @Test
  @DisplayName("a held snapshot cannot be destroyed until released")
  void holds() {
    DatasetName a = ds("a");
    zfs().createFilesystem(a, Map.of());
    SnapshotName s = a.snapshot("keep");
    zfs().snapshot(s, Map.of());
    zfs().hold(s, "kldload-test");
    assertThat(zfs().holds(s)).containsExactly("kldload-test");

    KldloadException e = failure(() -> zfs().destroySnapshot(s));
    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(e.getMessage()).contains(s.toString());

    zfs().release(s, "kldload-test");
    assertThat(zfs().holds(s)).isEmpty();
    zfs().destroySnapshot(s);
    assertThat(zfs().snapshot(s)).isEmpty();
  }

  @Test
  @DisplayName("a bookmark of a missing snapshot is not-found")
  void bookmark() {
    DatasetName a = ds("a");
    zfs().createFilesystem(a, Map.of());
    zfs().snapshot(a.snapshot("s"), Map.of());
    zfs().bookmark(a.snapshot("s"), "mark");
    KldloadException e = failure(() -> zfs().bookmark(a.snapshot("ghost"), "mark2"));
    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
  }

  @Test
  @DisplayName("a sent snapshot received under another name recreates dataset and snapshot")
  void sendReceive(@TempDir Path dir) {
    DatasetName v = ds("golden");
    zfs().createVolume(v, ByteSize.parse("16M"), true, Map.of());
    zfs().snapshot(v.snapshot("g"), Map.of());
    Path stream = dir.resolve("golden.zfs");
    zfs().send(v.snapshot("g"), Optional.empty(), stream);

    SnapshotName copy = ds("copy").snapshot("g");
    zfs().receive(copy, stream);
    assertThat(zfs().dataset(ds("copy")).orElseThrow().type()).isEqualTo(DatasetType.VOLUME);
    assertThat(zfs().snapshot(copy)).isPresent();
  }

  @Test
  @DisplayName("mount and unmount follow the mountpoint")
  void mountUnmount(@TempDir Path dir) {
    DatasetName a = ds("m");
    zfs().createFilesystem(a, Map.of("mountpoint", dir.resolve("m").toString()));
    zfs().mount(a);
    assertThat(zfs().dataset(a).orElseThrow().mounted()).isTrue();
    assertThat(zfs().dataset(a).orElseThrow().mountpoint()).contains(dir.resolve("m"));
    zfs().unmount(a);
    assertThat(zfs().dataset(a).orElseThrow().mounted()).isFalse();
    zfs().destroy(a, false);
  }

  @Test
  @DisplayName("the sandbox's pool is listed with its health and status")
  void pools() {
    String pool = sandbox().pool();
    Pool p = zfs().pool(pool).orElseThrow();
    assertThat(p.size()).isPositive();
    assertThat(p.health()).isEqualTo(PoolHealth.ONLINE);
    assertThat(zfs().poolStatus(pool).orElseThrow().hasDataErrors()).isFalse();
    assertThat(zfs().pool("no-such-pool")).isEmpty();
    assertThat(zfs().poolStatus("no-such-pool")).isEmpty();
  }
}
