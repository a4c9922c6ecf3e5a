package dev.kldload.cli.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.cli.CliHarness;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.kvm.libvirt.LibvirtHypervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zvol backend end to end in the lab VM: kvm-create copies an image onto a real zvol, kvm-clone
 * clones it through libzfs_core, and the domains (libvirt's test driver, in this JVM) point at the
 * {@code /dev/zvol} nodes. A file-vdev pool of this test's own ({@code klkvm}).
 */
@Tag("lab")
// its own budget: qemu-img copies under nested emulation took 324 s on a loaded 2-core machine,
// past the lab tier's 240 s default for one test
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class KvmZvolLabIT {
  private static final String POOL = "klkvm";
  private static final String URI = "test:///default";
  private static final SystemProcessRunner RUNNER = new SystemProcessRunner();

  @TempDir Path dir;
  String prefix;
  LibvirtHypervisor libvirt;
  CliHarness cli;

  @BeforeAll
  static void pool() {
    Requirements.require(
        Files.exists(Path.of("/dev/zfs")) && Requirements.isRoot(),
        "a ZFS kernel module and root (lab VM)");
    for (String tool : List.of("qemu-img", "xorriso", "ssh-keygen")) {
      Requirements.require(Requirements.onPath(tool), tool + " (lab VM packages.txt)");
    }
    if (!RUNNER.run(ProcessSpec.of("zpool", "list", "-H", POOL).readOnly().build()).ok()) {
      RUNNER.check("truncate", "-s", "2G", "/var/tmp/klkvm.img");
      RUNNER.check("zpool", "create", "-f", "-O", "compression=lz4", POOL, "/var/tmp/klkvm.img");
      RUNNER.check("zfs", "create", POOL + "/vms");
    }
  }

  @BeforeEach
  void setUp() {
    prefix = "z" + UUID.randomUUID().toString().substring(0, 6);
    // the test driver frees its state when the last connection closes: hold one for the test
    libvirt = new LibvirtHypervisor(URI);
    libvirt.domains();
    cli = KvmTestBed.cli(dir, "zfs", URI).env("KLDLOAD_ZFS_VM_PARENT", POOL + "/vms");
  }

  @AfterEach
  void tearDown() {
    KvmTestBed.removeDomains(libvirt, prefix);
    libvirt.close();
  }

  private static String zfsGet(String property, String dataset) {
    return RUNNER
        .check("zfs", "get", "-H", "-p", "-o", "value", property, dataset)
        .stdout()
        .strip();
  }

  @Test
  @DisplayName(
      "zvol backend: create from an image, clone through libzfs_core, domains on /dev/zvol, delete")
  void createCloneDelete() throws Exception {
    String golden = prefix + "-golden";
    String web = prefix + "-web";
    Path image = dir.resolve("cloud.qcow2");
    RUNNER.check("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "256M");

    CliHarness.Result created =
        cli.exec(
            "kvm-create",
            golden,
            "--image",
            image.toString(),
            "--disk",
            "1G",
            "--ram",
            "512",
            "--cpus",
            "1",
            "--firmware",
            "bios");
    assertThat(created.exit()).as("%s", created).isZero();
    String goldenZvol = POOL + "/vms/" + golden;
    assertThat(zfsGet("volsize", goldenZvol)).isEqualTo(Long.toString(1L << 30));
    assertThat(zfsGet("volblocksize", goldenZvol)).isEqualTo(Long.toString(64 << 10));
    assertThat(zfsGet("refreservation", goldenZvol)).as("sparse").isEqualTo("0");
    assertThat(zfsGet("com.kldload:owner", goldenZvol)).isNotEqualTo("-");
    assertThat(libvirt.domain(golden).orElseThrow().xml()).contains("/dev/zvol/" + goldenZvol);

    CliHarness.Result cloned = cli.exec("kvm-clone", golden, web);
    assertThat(cloned.exit()).as("%s", cloned).isZero();
    assertThat(cloned.out()).containsPattern("cloned .* in \\d+ ms");
    System.out.println("zvol backend: " + cloned.out().strip()); // the clone time, for the record
    String webZvol = POOL + "/vms/" + web;
    String origin = zfsGet("origin", webZvol);
    assertThat(origin).startsWith(goldenZvol + "@clone-");
    assertThat(zfsGet("com.kldload:clone-origin", webZvol)).isEqualTo(origin);
    assertThat(Path.of("/dev/zvol/" + webZvol)).exists();
    String webXml = libvirt.domain(web).orElseThrow().xml();
    assertThat(webXml).contains("/dev/zvol/" + webZvol).doesNotContain(goldenZvol + "'");

    CliHarness.Result list = cli.exec("kvm-list", "-o", "json");
    assertThat(list.exit()).as("%s", list).isZero();
    JsonNode row = null;
    for (JsonNode item : new ObjectMapper().readTree(list.out()).get("items")) {
      if (item.get("name").asText().equals(web)) {
        row = item;
      }
    }
    assertThat(row).as("%s", list).isNotNull();
    assertThat(row.get("origin").asText())
        .isEqualTo(golden + origin.substring(origin.indexOf('@')));

    CliHarness.Result busy = cli.exec("kvm-delete", golden, "--yes");
    assertThat(busy.exit()).as("%s", busy).isEqualTo(5);
    assertThat(busy.err()).contains(webZvol).contains("zfs promote");
    assertThat(RUNNER.run(ProcessSpec.of("zfs", "list", goldenZvol).readOnly().build()).ok())
        .isTrue();

    CliHarness.Result deleted = cli.exec("kvm-delete", web, "--yes");
    assertThat(deleted.exit()).as("%s", deleted).isZero();
    assertThat(RUNNER.run(ProcessSpec.of("zfs", "list", origin).readOnly().build()).ok())
        .as("the origin snapshot went with its only clone")
        .isFalse();
    CliHarness.Result deletedGolden = cli.exec("kvm-delete", golden, "--yes");
    assertThat(deletedGolden.exit()).as("%s", deletedGolden).isZero();
    assertThat(RUNNER.run(ProcessSpec.of("zfs", "list", goldenZvol).readOnly().build()).ok())
        .isFalse();
    assertThat(libvirt.domain(golden)).isEmpty();
  }
}
