package dev.kldload.zfs.lzc;

import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.DatasetName;
import dev.kldload.zfs.Zfs;
import dev.kldload.zfs.ZfsContract;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/**
 * The {@link ZfsContract} on a real pool in the lab VM: a file-backed pool of our own ({@link
 * LabPool}), so that other modules' lab tests keep the scratch disk; each test gets a fresh sandbox
 * filesystem.
 */
@Tag("lab")
class LibzfsCoreZfsLabIT extends ZfsContract {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static Zfs zfs;
  private DatasetName sandbox;

  @BeforeAll
  static void pool() {
    Requirements.require(LabPool.available(), "a ZFS kernel module and root (lab VM)");
    LabPool.ensure();
    zfs = new LibzfsCoreZfs(new SystemProcessRunner());
  }

  @BeforeEach
  void createSandbox() {
    sandbox = DatasetName.of(LabPool.NAME + "/contract" + COUNTER.incrementAndGet());
    zfs.createFilesystem(sandbox, Map.of("mountpoint", "none"));
  }

  @AfterEach
  void destroySandbox() {
    if (zfs.exists(sandbox)) {
      zfs.destroy(sandbox, true);
    }
  }

  @Override
  protected Zfs zfs() {
    return zfs;
  }

  @Override
  protected DatasetName sandbox() {
    return sandbox;
  }
}
