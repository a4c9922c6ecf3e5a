package dev.kldload.net.node;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Files that may hold secrets: created 0600 before any byte is written (so no window where they are
 * world-readable), in a 0700 directory, replaced atomically.
 */
public final class SecureFiles {
  private SecureFiles() {}

  public static void write(Path file, String content) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Path temp =
          Files.createTempFile(
              dir,
              "." + file.getFileName(),
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        try {
          Files.move(
              temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.PERMISSION,
          "cannot write " + file + ": " + e.getMessage(),
          "run as root, or point the state directory (--state-dir) somewhere writable",
          e);
    }
  }

  public static Optional<String> read(Path file) {
    try {
      return Files.isRegularFile(file)
          ? Optional.of(Files.readString(file, StandardCharsets.UTF_8))
          : Optional.empty();
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.PERMISSION, "cannot read " + file + ": " + e.getMessage(), "run as root", e);
    }
  }
}
