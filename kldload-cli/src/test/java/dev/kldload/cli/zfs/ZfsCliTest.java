package dev.kldload.cli.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.cli.CliHarness.Result;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import dev.kldload.zfs.InMemoryZfs;
import dev.kldload.zfs.Ownership;
import dev.kldload.zfs.PoolHealth;
import dev.kldload.zfs.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ksnap, kclone, kdf and kst in-process against the in-memory ZFS fake. */
class ZfsCliTest {
  private static final Instant NOW = Instant.parse("2026-11-26T10:15:30Z");

  @TempDir Path dir;
  private InMemoryZfs zfs;

  @BeforeEach
  void setUp() {
    zfs = InMemoryZfs.withPool(Clock.fixed(NOW, ZoneOffset.UTC), "tank", ByteSize.parse("100G"));
    zfs.createFilesystem(DatasetName.of("tank/ROOT"), Map.of("mountpoint", "none"));
    zfs.createFilesystem(DatasetName.of("tank/ROOT/debian"), Map.of("mountpoint", "/"));
    zfs.mount(DatasetName.of("tank/ROOT/debian"));
    zfs.createFilesystem(
        DatasetName.of("tank/srv"), Map.of("mountpoint", dir.resolve("srv").toString()));
    zfs.mount(DatasetName.of("tank/srv"));
    zfs.createFilesystem(DatasetName.of("tank/home"), Map.of());
  }

  private Result run(String... args) {
    return CliHarness.harness()
        .zfs(zfs)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
        .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString())
        .env("KLDLOAD_PROC", dir.resolve("proc").toString())
        .exec(args);
  }

  /** Creates {@code tank<path>} and its missing parents, as a pool mirroring the host tree. */
  private void createWithParents(Path path) {
    DatasetName name = DatasetName.of("tank");
    for (Path part : path) {
      name = name.child(part.toString());
      if (!zfs.exists(name)) {
        zfs.createFilesystem(name, Map.of());
      }
    }
  }

  private List<String> snapshotNames() {
    return zfs.snapshots(DatasetName.of("tank"), true).stream()
        .map(s -> s.name().toString())
        .toList();
  }

  @Test
  @DisplayName("ksnap without arguments snapshots the key datasets that exist, with our marks")
  void ksnapDefault() {
    Result r = run("ksnap");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(snapshotNames())
        .containsExactlyInAnyOrder(
            "tank/ROOT@manual-20261126-101530",
            "tank/ROOT/debian@manual-20261126-101530",
            "tank/home@manual-20261126-101530",
            "tank/srv@manual-20261126-101530");
    Snapshot s = zfs.snapshot(SnapshotName.parse("tank/srv@manual-20261126-101530")).orElseThrow();
    assertThat(s.ownership()).map(Ownership::owner).contains("ksnap");
    assertThat(s.userProperty(Ownership.ROLE)).contains("manual");
  }

  @Test
  @DisplayName(
      "ksnap of a path snapshots the filesystem holding it; twice in a second stays unique")
  void ksnapPathUnique() {
    assertThat(run("ksnap", "create", dir.resolve("srv").toString()).exit()).isZero();
    assertThat(run("ksnap", "create", "tank/srv").exit()).isZero();
    assertThat(snapshotNames())
        .containsExactly("tank/srv@manual-20261126-101530", "tank/srv@manual-20261126-101530-2");
  }

  @Test
  @DisplayName("ksnap --dry-run renders the plan and takes nothing")
  void ksnapDryRun() {
    Result r = run("ksnap", "create", "--dry-run", "tank/srv");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("tank/srv@manual-20261126-101530");
    assertThat(snapshotNames()).isEmpty();
  }

  @Test
  @DisplayName("ksnap list -o json lists newest first with raw values")
  void ksnapListJson() {
    run("ksnap", "create", "tank/srv");
    run("ksnap", "create", "--kind", "auto", "tank/srv");
    Result r = run("ksnap", "list", "tank/srv", "-o", "json");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("\"name\" : \"tank/srv@auto-20261126-101530\"")
        .contains("\"owner\" : \"ksnap\"");
    assertThat(r.out().indexOf("auto-")).isLessThan(r.out().indexOf("manual-"));
    Result kind = run("ksnap", "list", "--kind", "auto", "-o", "json");
    assertThat(kind.out()).contains("auto-").doesNotContain("manual-");
  }

  @Test
  @DisplayName("rollback with newer snapshots lists them and refuses; --destroy-newer needs --yes")
  void rollbackSafe() {
    SnapshotName old = SnapshotName.parse("tank/srv@old");
    zfs.snapshot(old, Map.of());
    zfs.snapshot(SnapshotName.parse("tank/srv@new"), Map.of());

    Result refused = run("ksnap", "rollback", "tank/srv@old");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(5);
    assertThat(refused.err()).contains("tank/srv@new").contains("--destroy-newer");

    Result noTty = run("ksnap", "rollback", "tank/srv@old", "--destroy-newer");
    assertThat(noTty.exit()).as(noTty.toString()).isEqualTo(2);
    assertThat(zfs.snapshot(SnapshotName.parse("tank/srv@new"))).isPresent();

    Result done = run("ksnap", "rollback", "tank/srv@old", "--destroy-newer", "--yes");
    assertThat(done.exit()).as(done.toString()).isZero();
    assertThat(snapshotNames()).containsExactly("tank/srv@old");
  }

  @Test
  @DisplayName("rollback refuses the running root and points to boot environments")
  void rollbackRoot() {
    zfs.snapshot(SnapshotName.parse("tank/ROOT/debian@s"), Map.of());
    Result r = run("ksnap", "rollback", "tank/ROOT/debian");
    assertThat(r.exit()).as(r.toString()).isEqualTo(6);
    assertThat(r.err()).contains("running root").contains("boot environment");
  }

  @Test
  @DisplayName("destroy refuses a name without '@' and a snapshot with clones, naming them")
  void destroy() {
    Result noAt = run("ksnap", "destroy", "tank/srv", "--yes");
    assertThat(noAt.exit()).as(noAt.toString()).isEqualTo(2);
    assertThat(zfs.exists(DatasetName.of("tank/srv"))).isTrue();

    SnapshotName g = SnapshotName.parse("tank/srv@g");
    zfs.snapshot(g, Map.of());
    zfs.clone(g, DatasetName.of("tank/copy"), Map.of());
    Result cloned = run("ksnap", "destroy", "tank/srv@g", "--yes");
    assertThat(cloned.exit()).as(cloned.toString()).isEqualTo(5);
    assertThat(cloned.err()).contains("tank/copy");

    zfs.snapshot(SnapshotName.parse("tank/srv@h"), Map.of());
    assertThat(run("ksnap", "destroy", "tank/srv@h", "--yes").exit()).isZero();
    assertThat(zfs.snapshot(SnapshotName.parse("tank/srv@h"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tank/a b",
        "tank/a;rm -rf /",
        "tank/$(reboot)",
        "tank/../etc",
        "tank/a@b",
        "-rf",
        "tank/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      })
  @DisplayName("bad dataset names are exit 2 and create nothing, in ksnap and kclone")
  void badInput(String bad) {
    Result snap = run("ksnap", "create", bad);
    assertThat(snap.exit()).as(snap.toString()).isEqualTo(2);
    Result clone = run("kclone", "tank/srv", bad);
    assertThat(clone.exit()).as(clone.toString()).isEqualTo(2);
    Result cloneSrc = run("kclone", bad, "tank/copy");
    assertThat(cloneSrc.exit()).as(cloneSrc.toString()).isEqualTo(2);
    assertThat(snapshotNames()).isEmpty();
    assertThat(zfs.allDatasets()).hasSize(5);
  }

  @Test
  @DisplayName("kclone of a mountpoint to a path clones, records the origin and mounts")
  void kclonePath() {
    Path dest = dir.resolve("srv-copy");
    createWithParents(dir);
    Result r = run("kclone", dir.resolve("srv").toString(), dest.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    DatasetName clone = DatasetName.of("tank" + dest);
    var d = zfs.dataset(clone).orElseThrow();
    assertThat(d.origin()).contains(SnapshotName.parse("tank/srv@clone-20261126-101530"));
    assertThat(d.ownership().flatMap(Ownership::cloneOrigin)).isEqualTo(d.origin());
    assertThat(d.mounted()).isTrue();
    assertThat(d.mountpoint()).contains(dest);
  }

  @Test
  @DisplayName("kclone refuses an existing destination, a missing parent and a non-empty directory")
  void kcloneRefusals() throws Exception {
    Result exists = run("kclone", "tank/srv", "tank/home");
    assertThat(exists.exit()).as(exists.toString()).isEqualTo(5);
    assertThat(exists.err()).contains("tank/home");

    Result parent = run("kclone", "tank/srv", "tank/nope/copy");
    assertThat(parent.exit()).as(parent.toString()).isEqualTo(4);
    assertThat(parent.err()).contains("tank/nope");

    Path full = dir.resolve("full");
    Files.createDirectories(full);
    Files.writeString(full.resolve("f"), "x");
    createWithParents(dir);
    Result nonEmpty = run("kclone", "tank/srv", full.toString());
    assertThat(nonEmpty.exit()).as(nonEmpty.toString()).isEqualTo(5);
    assertThat(nonEmpty.err()).contains(full.toString());
    assertThat(snapshotNames()).isEmpty();
  }

  @Test
  @DisplayName("kclone of a volume by name makes a volume clone; --dry-run changes nothing")
  void kcloneVolume() {
    zfs.createFilesystem(DatasetName.of("tank/vms"), Map.of());
    zfs.createVolume(DatasetName.of("tank/vms/a"), ByteSize.parse("1G"), true, Map.of());
    assertThat(run("kclone", "--dry-run", "tank/vms/a", "tank/vms/b").exit()).isZero();
    assertThat(zfs.exists(DatasetName.of("tank/vms/b"))).isFalse();
    Result r = run("kclone", "tank/vms/a", "tank/vms/b");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(zfs.dataset(DatasetName.of("tank/vms/b")).orElseThrow().isVolume()).isTrue();
  }

  @Test
  @DisplayName("kdf shows every dataset but the pool root, and the pool totals; unknown pool is 4")
  void kdf() {
    Result table = run("kdf");
    assertThat(table.exit()).as(table.toString()).isZero();
    assertThat(table.out()).contains("DATASET").contains("tank/srv").contains("Pool: tank");
    Result json = run("kdf", "tank", "-o", "json");
    assertThat(json.out()).contains("\"name\" : \"tank/home\"").contains("\"size\" : 107374182400");
    assertThat(run("kdf", "nopool").exit()).isEqualTo(4);
  }

  @Test
  @DisplayName("kst exits 0 on a healthy pool and 3 on a degraded one; reads ARC and memory")
  void kst() throws Exception {
    Path proc = dir.resolve("proc");
    Files.createDirectories(proc.resolve("spl/kstat/zfs"));
    Files.writeString(
        proc.resolve("meminfo"), "MemTotal:       2048 kB\nMemAvailable:   1024 kB\n");
    Files.writeString(proc.resolve("uptime"), "3661.50 100.00\n");
    Files.writeString(
        proc.resolve("spl/kstat/zfs/arcstats"),
        "13 1 0x01 123 33456 1 2\nname type data\nhits 4 90\nmisses 4 10\nsize 4 1048576\n");
    zfs.snapshot(SnapshotName.parse("tank/srv@a"), Map.of());

    Result ok = run("kst", "-o", "json");
    assertThat(ok.exit()).as(ok.toString()).isZero();
    assertThat(ok.out())
        .contains("\"healthy\" : true")
        .contains("\"hitRatio\" : 0.9")
        .contains("\"memoryTotalBytes\" : 2097152")
        .contains("\"uptimeSeconds\" : 3661")
        .contains("\"snapshots\" : 1")
        .contains("\"bootEnvironments\" : 1");

    zfs.setPoolStatus("tank", PoolHealth.DEGRADED, "none requested", "No known data errors");
    Result bad = run("kst");
    assertThat(bad.exit()).as(bad.toString()).isEqualTo(3);
    assertThat(bad.out()).contains("DEGRADED");
  }

  @Test
  @DisplayName(
      "ksnap auto takes the policy's due snapshots; prune --dry-run explains and keeps all")
  void autoAndPrune() throws Exception {
    Path policy = dir.resolve("snapshots.yaml");
    Files.writeString(
        policy,
        "templates:\n  t: {daily: 1, autosnap: true, autoprune: true}\n"
            + "datasets:\n  tank/srv: {template: t}\n");
    zfs.snapshot(SnapshotName.parse("tank/srv@auto-daily-20261120-000000"), Map.of());
    Result auto = run("ksnap", "auto", "--policy", policy.toString());
    assertThat(auto.exit()).as(auto.toString()).isZero();
    assertThat(snapshotNames())
        .containsExactly(
            "tank/srv@auto-daily-20261120-000000", "tank/srv@auto-daily-20261126-101530");

    Result dry = run("ksnap", "prune", "--dry-run", "--policy", policy.toString());
    assertThat(dry.exit()).as(dry.toString()).isZero();
    assertThat(dry.out())
        .contains("keep")
        .contains("within daily 1")
        .contains("tank/srv@auto-daily-20261120-000000")
        .contains("not taken by");
    assertThat(snapshotNames()).hasSize(2);

    Result bad = run("ksnap", "prune", "--policy", dir.resolve("missing.yaml").toString());
    assertThat(bad.exit()).as(bad.toString()).isEqualTo(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ksnap", "kclone", "kdf", "kst"})
  @DisplayName("every ZFS tool answers --help with an example and exits 0")
  void help(String tool) {
    Result r = run(tool, "--help");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Example:");
    assertThat(run(tool, "--no-such-option").exit()).isEqualTo(2);
  }
}
