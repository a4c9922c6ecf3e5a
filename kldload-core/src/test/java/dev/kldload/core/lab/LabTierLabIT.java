package dev.kldload.core.lab;

import static dev.kldload.core.lab.LabCommands.IN_LAB_VM;
import static dev.kldload.core.lab.LabCommands.POOL_DEVICE;
import static dev.kldload.core.lab.LabCommands.run;
import static dev.kldload.core.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Proves the lab tier: real OpenZFS in the lab VM guest (kernel module, pool on the second virtual
 * disk, sparse zvol, snapshot, clone, user property, /dev/zvol node). Runs only via
 * src-test-fixtures/labvm/lab-tests.
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabTierLabIT {

  private static final String POOL = "labtest";

  private boolean poolCreated;

  @BeforeAll
  void createPool() {
    require(IN_LAB_VM, "lab tests run only inside the lab VM (src-test-fixtures/labvm/lab-tests)");
    run("modprobe", "zfs").ok();
    assertThat(Paths.get("/dev/zfs")).exists();
    assertThat(POOL_DEVICE).as("the lab VM's pool disk").exists();
    run("zpool", "create", "-f", "-m", "none", POOL, POOL_DEVICE.toString()).ok();
    poolCreated = true;
  }

  @AfterAll
  void destroyPool() {
    if (poolCreated) {
      run("zpool", "destroy", "-f", POOL).ok();
      assertThat(run("zpool", "list", "-H", "-o", "name").out()).doesNotContain(POOL);
    }
  }

  @Test
  @Order(1)
  void poolIsOnlineOnTheLabDisk() {
    assertThat(run("zpool", "list", "-H", "-o", "name,health", POOL).ok().out())
        .isEqualTo(POOL + "\tONLINE");
    assertThat(run("zfs", "version").ok().out()).contains("zfs-2.");
  }

  @Test
  @Order(2)
  void sparseZvolSnapshotCloneAndUserProperty() throws Exception {
    String vol = POOL + "/vol";
    String snap = vol + "@s1";
    String clone = POOL + "/clone";
    run("zfs", "create", "-s", "-V", "1G", vol).ok();
    assertThat(run("zfs", "get", "-H", "-p", "-o", "value", "volsize", vol).ok().out())
        .isEqualTo(String.valueOf(1L << 30));
    assertThat(run("zfs", "get", "-H", "-o", "value", "refreservation", vol).ok().out())
        .isEqualTo("none");

    run("zfs", "snapshot", snap).ok();
    run("zfs", "clone", snap, clone).ok();
    assertThat(run("zfs", "get", "-H", "-o", "value", "origin", clone).ok().out()).isEqualTo(snap);

    run("zfs", "set", "com.kldload:owner=lab", clone).ok();
    assertThat(run("zfs", "get", "-H", "-p", "-o", "value", "com.kldload:owner", clone).ok().out())
        .isEqualTo("lab");
    assertThat(run("zfs", "get", "-H", "-p", "-o", "source", "com.kldload:owner", clone).ok().out())
        .isEqualTo("local");

    Path node = Paths.get("/dev/zvol", vol);
    assertThat(LabCommands.waitForPath(node, Duration.ofSeconds(60)))
        .as("%s appears after udevadm settle", node)
        .isTrue();
    assertThat(node.toRealPath().getFileName().toString()).startsWith("zd");
    assertThat(LabCommands.waitForPath(Paths.get("/dev/zvol", clone), Duration.ofSeconds(60)))
        .isTrue();

    run("zfs", "destroy", clone).ok();
    run("zfs", "destroy", "-r", vol).ok();
  }

  @Test
  @Order(3)
  void libzfsCoreIsInstalledForJna() {
    assertThat(
            Files.exists(Paths.get("/lib/x86_64-linux-gnu/libzfs_core.so.3"))
                || Files.exists(Paths.get("/usr/lib/x86_64-linux-gnu/libzfs_core.so.3")))
        .as("libzfs_core.so.3 (libzfs4linux) in the guest")
        .isTrue();
  }
}
