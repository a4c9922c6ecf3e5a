package dev.kldload.core.io;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The one way to write a file that may hold a secret (keys, tokens, UEFI vars, state): the bytes go
 * to a temporary file created 0600 before anything is written (no window in which it is readable by
 * others), in a directory created 0700 when missing, which is then renamed over the target, so a
 * reader sees the old file or the new one, never half of one.
 */
public final class PrivateFiles {
  private static final FileAttribute<Set<PosixFilePermission>> FILE_0600 =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<Set<PosixFilePermission>> DIR_0700 =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private PrivateFiles() {}

  public static void write(Path file, String content) {
    write(file, content.getBytes(StandardCharsets.UTF_8));
  }

  public static void write(Path file, byte[] content) {
    replace(file, out -> out.write(content));
  }

  /** Copies {@code from} to {@code to} (mode 0600) through a temporary file and a rename. */
  public static void copy(Path from, Path to) {
    replace(
        to,
        out -> {
          try (InputStream in = Files.newInputStream(from)) {
            in.transferTo(out);
          }
        });
  }

  /**
   * Creates {@code dir} and its missing parents with mode 0700 (existing ones are left as they
   * are).
   */
  public static Path directory(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, DIR_0700);
      }
      return dir;
    } catch (IOException e) {
      throw cannot("create", dir, e);
    }
  }

  public static Optional<String> read(Path file) {
    try {
      return Files.isRegularFile(file)
          ? Optional.of(Files.readString(file, StandardCharsets.UTF_8))
          : Optional.empty();
    } catch (IOException e) {
      throw cannot("read", file, e);
    }
  }

  @FunctionalInterface
  private interface Writer {
    void to(OutputStream out) throws IOException;
  }

  private static void replace(Path file, Writer writer) {
    Path dir = directory(file.toAbsolutePath().getParent());
    try {
      Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", FILE_0600);
      try {
        try (OutputStream out = Files.newOutputStream(temp)) {
          writer.to(out);
        }
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
      throw cannot("write", file, e);
    }
  }

  private static KldloadException cannot(String verb, Path file, IOException e) {
    return new KldloadException(
        ErrorKind.PERMISSION,
        "cannot " + verb + " " + file + ": " + e.getMessage(),
        "run as root, or point the state directory (--state-dir) somewhere writable",
        e);
  }
}
