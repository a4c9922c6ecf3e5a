package dev.kldload.cli.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.cli.CliHarness.Result;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ZFS tools end to end on a real pool in the lab VM, through the real libzfs_core adapter: a
 * file-vdev pool of this test's own ({@code klcli}), so other lab tests keep the scratch disk.
 */
@Tag("lab")
class ZfsCliLabIT {
  private static final String POOL = "klcli";
  private static final SystemProcessRunner RUNNER = new SystemProcessRunner();

  @TempDir Path dir;

  @BeforeAll
  static void pool() {
    Requirements.require(
        Files.exists(Path.of("/dev/zfs")) && "root".equals(System.getProperty("user.name")),
        "a ZFS kernel module and root (lab VM)");
    if (!RUNNER.run(ProcessSpec.of("zpool", "list", "-H", POOL).readOnly().build()).ok()) {
      RUNNER.check("truncate", "-s", "1G", "/var/tmp/klcli.img");
      RUNNER.check(
          "zpool", "create", "-f", "-O", "mountpoint=/" + POOL, POOL, "/var/tmp/klcli.img");
      RUNNER.check("zfs", "create", POOL + "/srv");
    }
  }

  private Result run(String... args) {
    return CliHarness.harness()
        .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
        .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString())
        .exec(args);
  }

  private static String zfs(String... args) {
    return RUNNER.check(ProcessSpec.of("zfs").args(List.of(args)).build()).stdout();
  }

  @Test
  @DisplayName("ksnap, kclone, kdf and kst work on a real pool; bad input changes nothing")
  void endToEnd() throws Exception {
    Result snap = run("ksnap", "create", "/" + POOL + "/srv");
    assertThat(snap.exit()).as(snap.toString()).isZero();
    String snaps = zfs("list", "-H", "-o", "name", "-t", "snapshot", POOL + "/srv");
    assertThat(snaps).contains(POOL + "/srv@manual-");
    assertThat(
            zfs(
                "get",
                "-H",
                "-o",
                "value",
                "com.kldload:owner",
                snaps.lines().findFirst().orElseThrow()))
        .isEqualTo("ksnap\n");

    Result list = run("ksnap", "list", POOL + "/srv", "-o", "json");
    assertThat(list.exit()).as(list.toString()).isZero();
    assertThat(list.out()).contains("\"owner\" : \"ksnap\"");

    Files.writeString(Path.of("/" + POOL + "/srv/file"), "data");
    Result clone = run("kclone", "/" + POOL + "/srv", "/" + POOL + "-copy");
    assertThat(clone.exit()).as(clone.toString()).isZero();
    assertThat(Files.readString(Path.of("/" + POOL + "-copy/file"))).isEqualTo("data");
    assertThat(
            zfs(
                "get",
                "-H",
                "-o",
                "value",
                "com.kldload:clone-origin",
                POOL + "/" + POOL + "-copy"))
        .startsWith(POOL + "/srv@clone-");

    String origin = zfs("get", "-H", "-o", "value", "origin", POOL + "/" + POOL + "-copy").strip();
    Result busy = run("ksnap", "destroy", origin, "--yes");
    assertThat(busy.exit()).as(busy.toString()).isEqualTo(5);
    assertThat(busy.err()).contains(POOL + "/" + POOL + "-copy");

    Result df = run("kdf", POOL, "-o", "json");
    assertThat(df.exit()).as(df.toString()).isZero();
    assertThat(df.out()).contains("\"name\" : \"" + POOL + "/srv\"");

    Result st = run("kst", "-o", "json");
    assertThat(st.exit()).as(st.toString()).isZero();
    assertThat(st.out()).contains("\"healthy\" : true");

    String before = zfs("list", "-H", "-o", "name", "-t", "all", "-r", POOL);
    for (String bad :
        List.of("klcli/a b", "klcli/a;x", "klcli/$(x)", "klcli/../x", "klcli/a@b", "-x")) {
      assertThat(run("ksnap", "create", bad).exit()).as(bad).isEqualTo(2);
      assertThat(run("kclone", POOL + "/srv", bad).exit()).as(bad).isEqualTo(2);
    }
    assertThat(zfs("list", "-H", "-o", "name", "-t", "all", "-r", POOL)).isEqualTo(before);
  }
}
