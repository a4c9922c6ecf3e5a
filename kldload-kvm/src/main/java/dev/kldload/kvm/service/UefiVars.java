package dev.kldload.kvm.service;

import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.value.VmName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A VM's UEFI vars and the copies kept with its disk snapshots, beside the vars file ({@code
 * <vm>_VARS@<snap>.fd}): a rollback restores the boot entries the disk was snapshotted with, and a
 * clone from a named snapshot starts from them.
 */
final class UefiVars {
  private UefiVars() {}

  static Path snapshotCopy(Path nvram, VmName vm, String snap) {
    return nvram.resolveSibling(vm.value() + "_VARS@" + snap + ".fd");
  }

  static List<Path> snapshotCopies(VmName vm, Path nvram) {
    Path dir = nvram.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    String prefix = vm.value() + "_VARS@";
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              f ->
                  f.getFileName().toString().startsWith(prefix)
                      && f.getFileName().toString().endsWith(".fd"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void save(VmName vm, Path nvram, String snap) {
    if (Files.exists(nvram)) {
      PrivateFiles.copy(nvram, snapshotCopy(nvram, vm, snap));
    }
  }

  /** Whether vars were kept with {@code snap} (and are now the VM's vars again). */
  static boolean restore(VmName vm, Path nvram, String snap) {
    Path kept = snapshotCopy(nvram, vm, snap);
    if (!Files.exists(kept)) {
      return false;
    }
    PrivateFiles.copy(kept, nvram);
    return true;
  }

  static void drop(VmName vm, Path nvram, String snap) {
    try {
      Files.deleteIfExists(snapshotCopy(nvram, vm, snap));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
