package dev.kldload.zfs.lzc;

import com.sun.jna.NativeLibrary;
import dev.kldload.core.probe.ExecutableProbe;
import dev.kldload.core.probe.Probe;
import dev.kldload.core.probe.ProbeResult;
import dev.kldload.zfs.lzc.jna.LibZfsCore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Doctor probes for the ZFS engine: the library we call in-process and the CLI we read with. They
 * live in the adapter package because they load the adapter's native library.
 */
public final class ZfsProbes {
  /** The name the adapter loads (Debian's libzfs4linux ships only the versioned one). */
  private static final String LIBZFS_CORE = LibZfsCore.NAME;

  private ZfsProbes() {}

  public static List<Probe> all() {
    return List.of(
        new LibzfsCoreProbe(),
        new ExecutableProbe("zfs", List.of("zfs", "zpool"), "dataset and pool reads", true));
  }

  /**
   * Loads the library but never calls {@code libzfs_core_init()}: on a host without {@code
   * /dev/zfs} a later {@code lzc_*} call would abort the JVM, so the device is checked separately.
   */
  static final class LibzfsCoreProbe implements Probe {
    @Override
    public String name() {
      return "libzfs_core";
    }

    @Override
    public String purpose() {
      return "snapshots and clones in-process";
    }

    @Override
    public boolean requiredForBootstrap() {
      return true;
    }

    @Override
    public ProbeResult probe() {
      try {
        NativeLibrary.getInstance(LIBZFS_CORE);
      } catch (UnsatisfiedLinkError e) {
        return ProbeResult.missing(
            this, LIBZFS_CORE + " cannot be loaded", "apt-get install libzfs4linux (contrib)");
      }
      if (!Files.exists(Path.of("/dev/zfs"))) {
        return ProbeResult.missing(
            this,
            LIBZFS_CORE + " loads, but /dev/zfs is absent",
            "load the module: modprobe zfs (package zfs-dkms or a kernel with ZFS)");
      }
      return ProbeResult.ok(this, LIBZFS_CORE + " loads; /dev/zfs present");
    }
  }
}
