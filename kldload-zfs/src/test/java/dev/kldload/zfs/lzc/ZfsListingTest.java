package dev.kldload.zfs.lzc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.DatasetType;
import dev.kldload.zfs.Pool;
import dev.kldload.zfs.PoolHealth;
import dev.kldload.zfs.PoolStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Parsing of zfs/zpool machine output, from samples taken on OpenZFS 2.1. */
class ZfsListingTest {

  @Test
  @DisplayName(
      "zfs list -H -p rows become datasets with raw sizes, origin and local user properties")
  void datasets() {
    String list =
        "rpool/vms/web\tvolume\t8192\t1000000\t4096\t1.50\t-\t10737418240\t-\t-\trpool/vms/golden@golden\t1764150000\n"
            + "rpool/srv\tfilesystem\t123456\t987654\t100\t2.04\t0\t-\t/srv\tyes\t-\t1764140000\n";
    String props = "rpool/vms/web\tcom.kldload:owner\tkube\nrpool/vms/web\tcompression\tlz4\n";
    List<Dataset> ds = ZfsListing.datasets(list, ZfsListing.userProperties(props));

    assertThat(ds)
        .extracting(Dataset::name)
        .containsExactly(DatasetName.of("rpool/srv"), DatasetName.of("rpool/vms/web"));
    Dataset srv = ds.get(0);
    assertThat(srv.type()).isEqualTo(DatasetType.FILESYSTEM);
    assertThat(srv.used()).isEqualTo(123456);
    assertThat(srv.compressRatio()).isEqualTo(2.04);
    assertThat(srv.mountpoint()).contains(Path.of("/srv"));
    assertThat(srv.mounted()).isTrue();
    assertThat(srv.origin()).isEmpty();
    assertThat(srv.userProperties()).isEmpty();
    Dataset web = ds.get(1);
    assertThat(web.isVolume()).isTrue();
    assertThat(web.volumeSize()).isEqualTo(10L << 30);
    assertThat(web.mountpoint()).isEmpty();
    assertThat(web.origin()).contains(SnapshotName.parse("rpool/vms/golden@golden"));
    assertThat(web.created()).isEqualTo(Instant.ofEpochSecond(1764150000));
    assertThat(web.userProperties()).containsExactly(Map.entry("com.kldload:owner", "kube"));
  }

  @Test
  @DisplayName("snapshots are ordered by creation transaction and carry clones and hold counts")
  void snapshots() {
    String list =
        "tank/a@b\t1764150001\t120\t0\t4096\ttank/c,tank/b\t1\n"
            + "tank/a@a\t1764150001\t119\t0\t4096\t\t0\n";
    List<ZfsListing.SnapshotRow> rows = ZfsListing.snapshots(list, Map.of());
    assertThat(rows).extracting(r -> r.snapshot().name().snap()).containsExactly("a", "b");
    assertThat(rows.get(1).snapshot().clones())
        .containsExactly(DatasetName.of("tank/b"), DatasetName.of("tank/c"));
    assertThat(rows.get(1).holds()).isEqualTo(1);
    assertThat(rows.get(0).snapshot().hasClones()).isFalse();
  }

  @Test
  @DisplayName("zpool list -H -p rows become pools; an unknown fragmentation is -1")
  void pools() {
    List<Pool> pools =
        ZfsListing.pools(
            "tank\tONLINE\t1073741824\t1048576\t1072693248\t-\t0\nrpool\tDEGRADED\t100\t50\t50\t12\t50\n");
    assertThat(pools).extracting(Pool::name).containsExactly("rpool", "tank");
    assertThat(pools.get(0).health()).isEqualTo(PoolHealth.DEGRADED);
    assertThat(pools.get(0).fragmentation()).isEqualTo(12);
    assertThat(pools.get(1).fragmentation()).isEqualTo(-1);
    assertThat(pools.get(1).size()).isEqualTo(1L << 30);
  }

  @Test
  @DisplayName("zpool status: state, multi-line scan and errors are read; the config table is not")
  void poolStatus() {
    String out =
        "  pool: tank\n"
            + " state: ONLINE\n"
            + "  scan: scrub in progress since Wed Nov 26 10:00:00 2026\n"
            + "\t1.2G scanned at 100M/s, 600M issued at 50M/s, 2G total\n"
            + "\t0B repaired, 30.00% done, 00:00:28 to go\n"
            + "config:\n\n"
            + "\tNAME        STATE     READ WRITE CKSUM\n"
            + "\ttank        ONLINE       0     0     0\n\n"
            + "errors: No known data errors\n";
    PoolStatus s = ZfsListing.poolStatus("tank", out).orElseThrow();
    assertThat(s.health()).isEqualTo(PoolHealth.ONLINE);
    assertThat(s.scan())
        .isEqualTo(
            "scrub in progress since Wed Nov 26 10:00:00 2026 1.2G scanned at 100M/s, 600M issued at 50M/s, 2G total 0B repaired, 30.00% done, 00:00:28 to go");
    assertThat(s.scrubRunning()).isTrue();
    assertThat(s.errors()).isEqualTo("No known data errors");
    assertThat(s.hasDataErrors()).isFalse();
    assertThat(ZfsListing.poolStatus("x", "cannot open 'x': no such pool\n")).isEmpty();
  }

  @Test
  @DisplayName("a row with the wrong number of columns is an error, not a guess")
  void badRow() {
    assertThatThrownBy(() -> ZfsListing.pools("tank\tONLINE\n")).hasMessageContaining("columns");
  }
}
