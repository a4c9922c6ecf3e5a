package dev.kldload.zfs.lzc;

import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Lab VM benchmark (a plain timed main, not a test): 20 clones of one golden filesystem, each a
 * snapshot + a clone carrying 3 user properties, through {@link LibzfsCoreZfs} in this JVM versus a
 * shell loop running the {@code zfs} command ({@code zfs snapshot}, {@code zfs clone}, {@code zfs
 * set} with the 3 properties). Run inside the lab VM as root: {@code
 * src-test-fixtures/zfs/bench-clones}.
 */
public final class CloneBenchmark {
  private static final int CLONES = 20;

  private CloneBenchmark() {}

  public static void main(String[] args) {
    if (!LabPool.available()) {
      System.err.println("clone benchmark: needs /dev/zfs and root (run it in the lab VM)");
      System.exit(6);
    }
    LabPool.ensure();
    SystemProcessRunner runner = new SystemProcessRunner();
    LibzfsCoreZfs zfs = new LibzfsCoreZfs(runner);
    DatasetName root = DatasetName.of(LabPool.NAME + "/bench");
    if (zfs.exists(root)) {
      zfs.destroy(root, true);
    }
    zfs.createFilesystem(root, Map.of("mountpoint", "none"));
    DatasetName golden = root.child("golden");
    zfs.createFilesystem(golden, Map.of());
    DatasetName jna = root.child("jna");
    DatasetName shell = root.child("shell");
    zfs.createFilesystem(jna, Map.of());
    zfs.createFilesystem(shell, Map.of());

    // warm-up: load the library and the property tables once, outside the timing
    zfs.snapshot(golden.snapshot("warmup"), Map.of());

    long t0 = System.nanoTime();
    for (int i = 0; i < CLONES; i++) {
      SnapshotName snap = golden.snapshot("jna" + i);
      zfs.snapshot(snap, Map.of());
      zfs.clone(
          snap,
          jna.child("c" + i),
          Map.of(
              "com.kldload:owner", "bench",
              "com.kldload:role", "clone",
              "com.kldload:clone-origin", snap.toString()));
    }
    Duration inProcess = Duration.ofNanos(System.nanoTime() - t0);

    String script =
        "for i in $(seq 0 "
            + (CLONES - 1)
            + "); do\n"
            + "  zfs snapshot \"$1@sh$i\"\n"
            + "  zfs clone \"$1@sh$i\" \"$2/c$i\"\n"
            + "  zfs set com.kldload:owner=bench com.kldload:role=clone"
            + " com.kldload:clone-origin=\"$1@sh$i\" \"$2/c$i\"\n"
            + "done\n";
    long t1 = System.nanoTime();
    runner.check(
        ProcessSpec.of("bash", "-euc", script, "bench", golden.value(), shell.value())
            .timeout(Duration.ofMinutes(10))
            .build());
    Duration shellLoop = Duration.ofNanos(System.nanoTime() - t1);

    long clones = zfs.datasets(jna, 1).size() - 1;
    long shellClones = zfs.datasets(shell, 1).size() - 1;
    System.out.printf(
        Locale.ROOT,
        "clones: %d (libzfs_core) %d (shell)%n"
            + "libzfs_core in-process: %d ms (%.1f ms per clone)%n"
            + "shell loop with zfs:     %d ms (%.1f ms per clone)%n"
            + "ratio: %.1fx%n",
        clones,
        shellClones,
        inProcess.toMillis(),
        inProcess.toMillis() / (double) CLONES,
        shellLoop.toMillis(),
        shellLoop.toMillis() / (double) CLONES,
        shellLoop.toNanos() / (double) inProcess.toNanos());
    zfs.destroy(root, true);
  }
}
