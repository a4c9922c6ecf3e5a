package dev.kldload.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
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

  @Test
  @DisplayName("--dry-run lists the steps and shows every file it would write, changing nothing")
  void dryRun() throws Exception {
    Files.createDirectories(dir.resolve("node"));
    CliHarness.Result r =
        harness()
            .exec(
                "kube-setup",
                "--dry-run",
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
