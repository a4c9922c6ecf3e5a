package dev.kldload.kvm.seed;

import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The admin SSH key every VM we make trusts for root ({@code <state>/keys/admin_ed25519}, 0600),
 * made once by whichever tool needs it first: kvm-create, kvm-clone or kube-cluster.
 */
public final class AdminKey {
  private AdminKey() {}

  public static Path privateKey(Path stateDir) {
    return stateDir.resolve("keys").resolve("admin_ed25519");
  }

  public static Path publicKey(Path stateDir) {
    return privateKey(stateDir).resolveSibling("admin_ed25519.pub");
  }

  /** Generates an ed25519 pair at {@code key} and {@code key.pub}, without a passphrase. */
  public static void generate(ProcessRunner runner, Path key) {
    PrivateFiles.directory(key.getParent());
    try {
      // a private half without its public one is a run killed mid-way: ssh-keygen would ask
      // before overwriting it, and there is no one to answer
      Files.deleteIfExists(key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    runner.check(
        ProcessSpec.of(
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "kldload-admin",
                "-f",
                key.toString())
            .build());
  }
}
