package dev.kldload.kvm.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.InMemoryZfs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The zvol backend over the in-memory Zfs (which passes the ZFS port's contract). */
class ZvolBackendTest {
  InMemoryZfs zfs;
  ZvolBackend backend;
  final VmName golden = VmName.of("golden");
  final VmName web = VmName.of("web01");

  @BeforeEach
  void setUp() {
    zfs = InMemoryZfs.withPool(Clock.systemUTC(), "rpool", ByteSize.ofGigabytes(100));
    zfs.createFilesystem(DatasetName.of("rpool/vms"), Map.of());
    backend =
        new ZvolBackend(
            zfs,
            DatasetName.of("rpool/vms"),
            new SystemProcessRunner(),
            Clock.systemUTC(),
            "64K",
            p -> true,
            new CancellationToken());
  }

  @Test
  @DisplayName("a sparse 64K lz4 zvol with our marks; its device path is the domain's disk")
  void create() {
    backend.create(golden, ByteSize.ofGigabytes(20));
    Dataset d = zfs.dataset(DatasetName.of("rpool/vms/golden")).orElseThrow();
    assertThat(d.isVolume()).isTrue();
    assertThat(d.volumeSize()).isEqualTo(20L << 30);
    assertThat(zfs.property(d.name(), "volblocksize")).isPresent();
    assertThat(d.ownership()).isPresent();
    assertThat(backend.diskOf(golden))
        .isEqualTo(
            new DomainSpec.Disk(DomainSpec.DiskKind.BLOCK, Path.of("/dev/zvol/rpool/vms/golden")));
    assertThat(backend.owner(Path.of("/dev/zvol/rpool/vms/golden"))).contains(golden);
    assertThat(backend.owner(Path.of("/dev/zvol/rpool/other/golden"))).isEmpty();
    assertThat(backend.usage(List.of(Path.of("/dev/zvol/rpool/vms/golden"))))
        .containsKey(Path.of("/dev/zvol/rpool/vms/golden"));
  }

  @Test
  @DisplayName(
      "snapshot → clone marks the origin; the source names its clone; release after delete")
  void cloneLifecycle() {
    backend.create(golden, ByteSize.ofGigabytes(20));
    DiskBackend.DiskSnapshot snap = backend.snapshot(golden, "clone-1");
    backend.cloneFrom(snap, web);
    Dataset clone = zfs.dataset(DatasetName.of("rpool/vms/web01")).orElseThrow();
    assertThat(clone.origin()).contains(SnapshotName.parse("rpool/vms/golden@clone-1"));
    assertThat(clone.ownership().orElseThrow().cloneOrigin())
        .contains(SnapshotName.parse("rpool/vms/golden@clone-1"));
    assertThat(backend.dependents(golden))
        .singleElement()
        .asString()
        .startsWith("rpool/vms/web01 ");
    assertThat(backend.detachAdvice(backend.dependents(golden).get(0)))
        .contains("zfs promote rpool/vms/web01");
    assertThat(backend.releaseOrigin("golden@clone-1")).isEmpty();
    backend.destroy(web);
    assertThat(backend.exists(web)).isFalse();
    assertThat(backend.releaseOrigin("golden@clone-1")).containsExactly("rpool/vms/golden@clone-1");
    assertThat(backend.findSnapshot(golden, "clone-1")).isEmpty();
  }

  @Test
  @DisplayName("--volblocksize takes powers of two from 512 to 1M and refuses the rest")
  void volblocksize() {
    backend.withVolblocksize("16K").create(golden, ByteSize.ofGigabytes(1));
    assertThat(zfs.property(DatasetName.of("rpool/vms/golden"), "volblocksize")).isPresent();
    for (String bad : List.of("0", "100", "3K", "2M", "-64K", "64KB", "")) {
      Assertions.assertThatThrownBy(() -> backend.withVolblocksize(bad))
          .isInstanceOf(KldloadException.class);
    }
  }

  @Test
  @DisplayName(
      "an image copy killed mid-way leaves a volume marked partial; the next copy replaces it")
  void interruptedCopyIsPartial() {
    AtomicBoolean killed = new AtomicBoolean(true);
    ProcessRunner runner =
        spec -> {
          if (killed.get()) {
            throw new KldloadException(ErrorKind.INTERRUPTED, "qemu-img killed", null);
          }
          return new ProcessResult(spec, 0, "", "", Duration.ZERO);
        };
    ZvolBackend copying =
        new ZvolBackend(
            zfs,
            DatasetName.of("rpool/vms"),
            runner,
            Clock.systemUTC(),
            "64K",
            p -> true,
            new CancellationToken());
    Path image = Path.of("/images/cloud.qcow2");
    assertThatThrownBy(() -> copying.createFromImage(web, image, ByteSize.ofGigabytes(2)))
        .hasMessageContaining("killed");
    assertThat(copying.exists(web)).isTrue();
    assertThat(copying.partial(web)).isTrue();
    killed.set(false);
    copying.createFromImage(web, image, ByteSize.ofGigabytes(3));
    assertThat(copying.partial(web)).isFalse();
    assertThat(zfs.dataset(DatasetName.of("rpool/vms/web01")).orElseThrow().volumeSize())
        .isEqualTo(3L << 30);
  }
}
