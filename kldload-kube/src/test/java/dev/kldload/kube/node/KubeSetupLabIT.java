package dev.kldload.kube.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.ExitCode;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.StepOutcome;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.Programs;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.DatasetName;
import dev.kldload.zfs.lzc.LibzfsCoreZfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-setup on a real kernel with real ZFS (the lab VM): modules loaded, sysctls set, the three
 * datasets with their properties, containerd configured; a second run changes nothing; without a
 * package source it stops with exit 6 naming what is missing. The datasets go into a file-backed
 * pool of their own, so this test shares no device with other lab tests.
 */
@Tag("lab")
class KubeSetupLabIT {
  static final String POOL = "kldkubelab";
  static final Path IMAGE = Path.of("/var/tmp/kldkubelab.img");
  static final SystemProcessRunner RUN = new SystemProcessRunner();

  @TempDir static Path dir;
  static PlanResult first;
  static PlanResult second;

  @BeforeAll
  static void runTwice() throws Exception {
    Requirements.require(
        Requirements.isRoot(), "kube-setup changes the machine: run as root in the lab VM");
    Requirements.require(
        Requirements.onPath("zfs") && Files.exists(Path.of("/dev/zfs")), "needs ZFS (lab VM)");
    Requirements.require(
        Requirements.onPath("modprobe") && Requirements.onPath("sysctl"), "needs kmod and procps");
    RUN.check(ProcessSpec.of("truncate", "-s", "512M", IMAGE.toString()).build());
    RUN.check(
        ProcessSpec.of("zpool", "create", "-f", "-O", "mountpoint=none", POOL, IMAGE.toString())
            .timeout(Duration.ofMinutes(2))
            .build());
    Path lock = dir.resolve("k8s-stack.lock.yaml");
    Files.writeString(
        lock,
        "kubernetes: v1.32.3\npackages:\n"
            + "  - {name: kubelet, version: 1.32.3-1.1, file: debs/kubelet_1.32.3-1.1_amd64.deb, sha256: "
            + "0".repeat(64)
            + "}\n");
    KubeSetup.Request request =
        new KubeSetup.Request(
            lock,
            dir.resolve("no-bundle"),
            Optional.of(Cidr.parseAddress("10.251.0.2")),
            Optional.of(DatasetName.of(POOL)),
            "registry.k8s.io/pause:3.10");
    NodeSystem sys = new NodeSystem(Path.of("/"), RUN);
    LibzfsCoreZfs zfs = new LibzfsCoreZfs(RUN);
    first =
        PlanEngine.quiet(2).run(new KubeSetup(sys, () -> zfs, Instant.now()).plan(request), false);
    second =
        PlanEngine.quiet(2).run(new KubeSetup(sys, () -> zfs, Instant.now()).plan(request), false);
  }

  @AfterAll
  static void destroyPool() {
    if (Requirements.onPath("zpool")) {
      RUN.run(
          ProcessSpec.of("zpool", "destroy", "-f", POOL).timeout(Duration.ofMinutes(2)).build());
    }
    IMAGE.toFile().delete();
  }

  static String get(String property, String dataset) {
    return RUN.check(
            ProcessSpec.of("zfs", "get", "-H", "-p", "-o", "value", property, dataset).build())
        .stdout()
        .strip();
  }

  @Test
  @DisplayName(
      "without a package source it stops at the packages with exit 6, naming what is missing")
  void stopsWithoutPackageSource() {
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCode.PRECONDITION);
    StepOutcome packages =
        first.outcomes().stream()
            .filter(o -> o.stepId().equals("packages"))
            .findFirst()
            .orElseThrow();
    assertThat(packages.status()).isEqualTo(StepStatus.FAILED);
    assertThat(packages.errorMessage())
        .contains("no package source", "no-bundle does not exist", "kubelet 1.32.3-1.1");
    assertThat(first.withStatus(StepStatus.FAILED)).as(first.toString()).containsExactly(packages);
  }

  @Test
  @DisplayName("kernel modules are loaded and sysctls set")
  void kernel() throws Exception {
    for (String module : KubeSetup.MODULES) {
      assertThat(Path.of("/sys/module", module)).as(module).exists();
    }
    for (String[] s : KubeSetup.SYSCTLS) {
      assertThat(Files.readString(Path.of("/proc/sys", s[0].replace('.', '/'))).strip())
          .as(s[0])
          .isEqualTo(s[1]);
    }
    assertThat(Files.readString(Path.of(KubeSetup.MODULES_FILE))).contains("br_netfilter");
    assertThat(Files.readAllLines(Path.of("/proc/swaps"))).hasSize(1);
  }

  @Test
  @DisplayName("three datasets with the right properties, mounted where Kubernetes expects them")
  void datasets() {
    String base = POOL + "/var/lib/";
    for (String leaf : List.of("etcd", "containerd", "kubelet")) {
      String ds = base + leaf;
      assertThat(get("mountpoint", ds)).isEqualTo("/var/lib/" + leaf);
      assertThat(get("mounted", ds)).isEqualTo("yes");
      assertThat(get("compression", ds)).isEqualTo("lz4");
      assertThat(get("atime", ds)).isEqualTo("off");
      assertThat(get("com.kldload:owner", ds)).isEqualTo(KubeSetup.OWNER);
    }
    assertThat(get("recordsize", base + "etcd")).isEqualTo("8192");
    assertThat(get("recordsize", base + "kubelet")).isEqualTo("131072");
    assertThat(get("canmount", POOL + "/var")).isEqualTo("off");
  }

  @Test
  @DisplayName("containerd is configured with systemd cgroups and the CNI directory")
  void containerd() throws Exception {
    String config = Files.readString(Path.of(KubeSetup.CONTAINERD_CONFIG));
    assertThat(config).contains("SystemdCgroup = true", "bin_dir = \"/opt/cni/bin\"");
    assertThat(Path.of("/opt/cni/bin")).isDirectory();
    assertThat(Files.readString(Path.of("/etc/crictl.yaml")))
        .contains("unix:///run/containerd/containerd.sock");
    if (Programs.which("containerd").isPresent()) {
      // Debian's containerd parses the file we wrote and keeps our settings
      ProcessResult dump =
          RUN.check(
              ProcessSpec.of(
                      "containerd", "--config", KubeSetup.CONTAINERD_CONFIG, "config", "dump")
                  .build());
      assertThat(dump.stdout()).contains("SystemdCgroup = true");
    }
  }

  @Test
  @DisplayName("a second run changes nothing")
  void secondRunChangesNothing() {
    assertThat(second.withStatus(StepStatus.APPLIED)).as(second.toString()).isEmpty();
    assertThat(second.outcomes())
        .filteredOn(o -> !List.of("packages", "tools").contains(o.stepId()))
        .allSatisfy(o -> assertThat(o.status()).as(o.stepId()).isEqualTo(StepStatus.ALREADY_DONE));
    assertThat(second.exitCode()).isEqualTo(ExitCode.PRECONDITION);
  }
}
