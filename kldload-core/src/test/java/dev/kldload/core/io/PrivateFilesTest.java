package dev.kldload.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {

  @Test
  @DisplayName("a written file is 0600 in a new 0700 directory, and a rewrite replaces it whole")
  void write(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys/node.key");
    PrivateFiles.write(file, "first");
    PrivateFiles.write(file, "second");
    assertThat(Files.readString(file)).isEqualTo("second");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  @DisplayName("a copy of a world-readable file is 0600 and leaves no temporary file")
  void copy(@TempDir Path dir) throws Exception {
    Path from = dir.resolve("OVMF_VARS.fd");
    Files.write(from, new byte[] {1, 2, 3});
    Files.setPosixFilePermissions(from, PosixFilePermissions.fromString("rw-r--r--"));
    Path to = dir.resolve("vm_VARS.fd");
    PrivateFiles.copy(from, to);
    assertThat(Files.readAllBytes(to)).containsExactly(1, 2, 3);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(to)))
        .isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactlyInAnyOrder(from, to);
    }
  }

  @Test
  @DisplayName("reading a missing file is empty, not an error")
  void readMissing(@TempDir Path dir) {
    assertThat(PrivateFiles.read(dir.resolve("absent"))).isEmpty();
  }
}
