package dev.kldload.kvm.seed;

import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An SSH host key pair generated on the host, so the host can pin the guest's key before the first
 * connection. {@link #toString} hides the private half.
 */
public record HostKeys(String privateKey, String publicKey) {

  /** Generates an ed25519 pair with {@code ssh-keygen}, in a private temporary directory. */
  public static HostKeys generate(ProcessRunner runner, String comment) {
    Path dir = null;
    try {
      dir =
          Files.createTempDirectory(
              "kldload-hostkey",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path key = dir.resolve("ssh_host_ed25519_key");
      runner.check(
          ProcessSpec.of(
                  "ssh-keygen",
                  "-q",
                  "-t",
                  "ed25519",
                  "-N",
                  "",
                  "-C",
                  comment,
                  "-f",
                  key.toString())
              .build());
      return new HostKeys(
          Files.readString(key), Files.readString(dir.resolve("ssh_host_ed25519_key.pub")).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(dir);
    }
  }

  static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory we could not remove: nothing else depends on it
    }
  }

  @Override
  public String toString() {
    return "HostKeys[" + publicKey + ", private key hidden]";
  }
}
