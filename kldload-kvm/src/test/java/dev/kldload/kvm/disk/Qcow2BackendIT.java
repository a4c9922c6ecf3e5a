package dev.kldload.kvm.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.SnapshotInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The qcow2 backend with the real qemu-img. */
class Qcow2BackendIT {
  @TempDir Path dir;
  Qcow2Backend backend;
  final VmName src = VmName.of("golden");
  final VmName clone = VmName.of("web01");

  @BeforeEach
  void setUp() {
    Requirements.require(Requirements.onPath("qemu-img"), "qemu-img (apt-get install qemu-utils)");
    backend = new Qcow2Backend(dir, new SystemProcessRunner(), Clock.systemUTC());
  }

  @Test
  @DisplayName("create → snapshot → clone: the clone is an overlay on the frozen source")
  void snapshotAndClone() {
    backend.create(src, ByteSize.ofGigabytes(2));
    assertThat(backend.exists(src)).isTrue();
    assertThat(
            backend
                .usage(List.of(dir.resolve("golden.qcow2")))
                .get(dir.resolve("golden.qcow2"))
                .capacityBytes())
        .isEqualTo(2L << 30);
    DiskBackend.DiskSnapshot snap = backend.snapshot(src, "clone-1");
    assertThat(backend.findSnapshot(src, "clone-1")).contains(snap);
    // the source keeps its path, now an overlay on the frozen file
    assertThat(Qcow2Header.read(dir.resolve("golden.qcow2")).orElseThrow().backingFile())
        .contains(dir.resolve("golden@clone-1.qcow2").toString());
    backend.cloneFrom(snap, clone);
    assertThat(Qcow2Header.read(dir.resolve("web01.qcow2")).orElseThrow().backingFile())
        .contains(snap.id());
    assertThat(
            backend
                .usage(List.of(dir.resolve("web01.qcow2")))
                .get(dir.resolve("web01.qcow2"))
                .capacityBytes())
        .isEqualTo(2L << 30);
    assertThat(backend.dependents(src)).singleElement().asString().startsWith("web01 (");
    assertThat(backend.dependents(clone)).isEmpty();
    assertThat(backend.owner(dir.resolve("web01.qcow2"))).contains(clone);
    assertThat(backend.owner(dir.resolve("golden@clone-1.qcow2"))).isEmpty();
    assertThat(backend.owner(Path.of("/elsewhere/web01.qcow2"))).isEmpty();
    assertThatThrownBy(() -> backend.snapshot(src, "clone-1")).isInstanceOf(KldloadException.class);
    backend.destroy(clone);
    assertThat(backend.dependents(src)).isEmpty();
    backend.destroy(src);
    assertThat(dir).isEmptyDirectory();
  }

  /** Writes 64 KiB of {@code pattern} at offset 0 with qemu-io. */
  private void write(VmName vm, int pattern) {
    new SystemProcessRunner()
        .check(
            ProcessSpec.of(
                    "qemu-io",
                    "-f",
                    "qcow2",
                    "-c",
                    "write -P " + pattern + " 0 64k",
                    dir.resolve(vm.value() + ".qcow2").toString())
                .build());
  }

  /** Whether the first 64 KiB read back as {@code pattern} (qemu-io exits 1 on a mismatch). */
  private boolean holds(VmName vm, int pattern) {
    return new SystemProcessRunner()
        .run(
            ProcessSpec.of(
                    "qemu-io",
                    "-f",
                    "qcow2",
                    "-r",
                    "-c",
                    "read -P " + pattern + " 0 64k",
                    dir.resolve(vm.value() + ".qcow2").toString())
                .build())
        .ok();
  }

  @Test
  @DisplayName(
      "kvm-snap on qcow2: snapshots in chain order, rollback to the newest, destroy merges down")
  void snapshotsRollbackDestroy() {
    Requirements.require(Requirements.onPath("qemu-io"), "qemu-io (apt-get install qemu-utils)");
    backend.create(src, ByteSize.ofMegabytes(64));
    write(src, 1);
    backend.snapshot(src, "one");
    write(src, 2);
    backend.snapshot(src, "two");
    write(src, 3);
    List<SnapshotInfo> snaps = backend.snapshots(src);
    assertThat(snaps).extracting(SnapshotInfo::name).containsExactly("one", "two");
    assertThat(snaps.get(1).parent()).contains("one");
    assertThat(snaps.get(0).created()).isBeforeOrEqualTo(snaps.get(1).created());

    assertThatThrownBy(() -> backend.rollback(src, "one"))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
    backend.rollback(src, "two");
    assertThat(holds(src, 2)).isTrue();

    // "one" sits under "two": its blocks move up into "two", then it goes
    backend.destroySnapshot(src, "one");
    assertThat(backend.snapshots(src)).extracting(SnapshotInfo::name).containsExactly("two");
    assertThat(Qcow2Header.read(dir.resolve("golden@two.qcow2")).orElseThrow().backingFile())
        .isEmpty();
    assertThat(holds(src, 2)).isTrue();

    backend.cloneFrom(backend.findSnapshot(src, "two").orElseThrow(), clone);
    assertThatThrownBy(() -> backend.destroySnapshot(src, "two"))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
              assertThat(e.getMessage()).contains("web01");
            });
    backend.destroy(clone);
    // the newest snapshot merges into the disk itself
    write(src, 4);
    backend.destroySnapshot(src, "two");
    assertThat(backend.snapshots(src)).isEmpty();
    assertThat(holds(src, 4)).isTrue();
    assertThat(dir).isDirectoryNotContaining("glob:**/golden@*");
  }

  @Test
  @DisplayName("an image is copied and grown to the requested size")
  void fromImage() throws Exception {
    backend.create(VmName.of("img"), ByteSize.ofMegabytes(64));
    Path image = dir.resolve("base-image.img");
    Files.move(dir.resolve("img.qcow2"), image);
    backend.createFromImage(src, image, ByteSize.ofGigabytes(1));
    assertThat(
            backend
                .usage(List.of(dir.resolve("golden.qcow2")))
                .get(dir.resolve("golden.qcow2"))
                .capacityBytes())
        .isEqualTo(1L << 30);
    assertThat(Qcow2Header.read(dir.resolve("golden.qcow2")).orElseThrow().backingFile()).isEmpty();
  }

  @Test
  @DisplayName(
      "a disk appears under its name only whole: a partial file left by a killed copy is not a"
          + " disk, and the next create replaces it")
  void partialFileIsNotADisk() throws Exception {
    Path partial = dir.resolve(".web01.partial.qcow2");
    Files.writeString(partial, "half a copy");
    assertThat(backend.exists(clone)).isTrue();
    assertThat(backend.partial(clone)).isTrue();
    backend.create(clone, ByteSize.ofMegabytes(64));
    assertThat(backend.partial(clone)).isFalse();
    assertThat(partial).doesNotExist();
    assertThat(Qcow2Header.read(dir.resolve("web01.qcow2")).orElseThrow().virtualSize())
        .isEqualTo(64L << 20);
    Files.writeString(partial, "half a copy");
    backend.destroy(clone);
    assertThat(backend.exists(clone)).isFalse();
  }
}
