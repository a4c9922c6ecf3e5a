package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * The host's hosts file, read whole and replaced atomically (written beside it and renamed over it,
 * keeping its permissions, 0644 when new), so a reader never sees half of it.
 */
record HostsFile(Path file) {

  List<String> read() {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw KldloadException.precondition(
          "cannot read " + file + ": " + e.getMessage(), "run as root");
    }
  }

  void write(List<String> lines) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Set<PosixFilePermission> mode =
        Files.exists(file)
            ? Files.getPosixFilePermissions(file)
            : PosixFilePermissions.fromString("rw-r--r--");
    Path tmp = Files.createTempFile(dir, ".hosts-", ".tmp");
    try {
      Files.write(tmp, lines);
      Files.setPosixFilePermissions(tmp, mode);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
