package dev.kldload.zfs.lzc;

import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A throwaway pool for lab tests: a 1 GiB sparse file vdev under {@code /var/tmp}, created once per
 * JVM and left for the VM's power-off to discard (its root disk is a snapshot).
 */
public final class LabPool {
  public static final String NAME = "klzfs";
  static final Path FILE = Path.of("/var/tmp/klzfs.img");

  private LabPool() {}

  public static boolean available() {
    return Files.exists(Path.of("/dev/zfs")) && "root".equals(System.getProperty("user.name"));
  }

  public static synchronized void ensure() {
    SystemProcessRunner runner = new SystemProcessRunner();
    if (runner.run(ProcessSpec.of("zpool", "list", "-H", NAME).readOnly().build()).ok()) {
      return;
    }
    runner.check(ProcessSpec.of("truncate", "-s", "1G", FILE.toString()).build());
    runner.check(
        ProcessSpec.of("zpool", "create", "-f", "-O", "mountpoint=/" + NAME, NAME, FILE.toString())
            .build());
  }
}
