package dev.kldload.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.core.lock.HostLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeSetupCommandTest {
  @TempDir Path dir;

  CliHarness harness() {
    return CliHarness.harness()
        .env("KLDLOAD_NODE_ROOT", dir.resolve("node").toString())
        .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
        .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString());
  }

  /** A stack lock that pins nothing: a real run needs nothing from the bundle. */
  Path emptyLock() throws Exception {
    Path lock = dir.resolve("lock.yaml");
    Files.writeString(lock, "kubernetes: v1.32.3\n");
    return lock;
  }

  @Test
  @DisplayName("--dry-run lists the steps and shows every file it would write, changing nothing")
  void dryRun() throws Exception {
    Files.createDirectories(dir.resolve("node"));
    CliHarness.Result r =
        harness()
            .exec(
                "kube-setup",
                "--dry-run",
                "--lock",
                emptyLock().toString(),
                "--bundle",
                dir.resolve("none").toString(),
                "--node-ip",
                "10.251.0.2");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .as(r.toString())
        .contains("modules-load", "sysctl-apply", "swap-off", "containerd-config", "packages")
        .contains("# /etc/containerd/config.toml (0644)", "SystemdCgroup = true")
        .contains("# /etc/default/kubelet (0644)", "--node-ip=10.251.0.2");
    try (Stream<Path> files = Files.walk(dir.resolve("node"))) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  @DisplayName(
      "--dry-run without the bundle or the stack lock lists the plan, then exits 6 as a real run would")
  void dryRunReportsPreconditions() throws Exception {
    Files.createDirectories(dir.resolve("node"));
    Path none = dir.resolve("nonexistent");
    CliHarness.Result noLock =
        harness().exec("kube-setup", "--dry-run", "--bundle", none.toString());
    assertThat(noLock.exit()).as(noLock.toString()).isEqualTo(6);
    assertThat(noLock.out()).as(noLock.toString()).contains("packages", "containerd-config");
    assertThat(noLock.err()).contains(none.resolve("k8s-stack.lock.yaml").toString(), "hint:");

    Path lock = dir.resolve("lock.yaml");
    Files.writeString(
        lock,
        "kubernetes: v1.32.3\npackages:\n  - {name: kldload-test-absent-pkg, version: 1.0-1,"
            + " file: debs/absent.deb, sha256: "
            + "a".repeat(64)
            + "}\n");
    CliHarness.Result noBundle =
        harness()
            .exec(
                "kube-setup", "--dry-run", "--lock", lock.toString(), "--bundle", none.toString());
    assertThat(noBundle.exit()).as(noBundle.toString()).isEqualTo(6);
    assertThat(noBundle.err())
        .contains("no package source", none.toString(), "kldload-test-absent-pkg");
    try (Stream<Path> files = Files.walk(dir.resolve("node"))) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  @DisplayName(
      "with datasets to create a real run takes the zfs lock (exit 5 when held); dry-run none")
  void zfsLock() throws Exception {
    Files.createDirectories(dir.resolve("node"));
    try (HostLock held = HostLock.acquire(dir.resolve("run"), "zfs", "test")) {
      CliHarness.Result r =
          harness()
              .exec(
                  "kube-setup",
                  "--lock",
                  emptyLock().toString(),
                  "--zfs-parent",
                  "tank/k8s",
                  "--bundle",
                  dir.resolve("none").toString());
      assertThat(r.exit()).as(r.toString()).isEqualTo(5);
      assertThat(r.err()).contains("zfs is locked", "test");
      try (Stream<Path> files = Files.walk(dir.resolve("node"))) {
        assertThat(files.filter(Files::isRegularFile)).isEmpty();
      }
      CliHarness.Result dry =
          harness()
              .exec(
                  "kube-setup",
                  "--dry-run",
                  "--lock",
                  emptyLock().toString(),
                  "--zfs-parent",
                  "tank/k8s",
                  "--bundle",
                  dir.resolve("none").toString());
      assertThat(dry.exit()).as(dry.toString()).isZero();
    }
  }

  @Test
  @DisplayName("bad input is refused with exit 2 before anything runs")
  void badInput() {
    CliHarness.Result ip =
        harness().exec("kube-setup", "--dry-run", "--node-ip", "10.0.0.1;reboot");
    assertThat(ip.exit()).as(ip.toString()).isEqualTo(2);
    assertThat(ip.err()).contains("is not a valid IP address");
    CliHarness.Result ds = harness().exec("kube-setup", "--dry-run", "--zfs-parent", "rpool/../x");
    assertThat(ds.exit()).as(ds.toString()).isEqualTo(2);
    assertThat(ds.out()).isEmpty();
  }
}
