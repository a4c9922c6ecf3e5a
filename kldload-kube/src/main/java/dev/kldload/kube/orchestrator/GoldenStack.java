package dev.kldload.kube.orchestrator;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Which Kubernetes stack a golden carries: the SHA-256 of the bundle's stack lock that {@code
 * kube-setup} installed in it, recorded on the host ({@code <state>/goldens/<golden>/stack-lock})
 * when the golden was provisioned with it. A golden without a record has no Kubernetes and is never
 * used for the Kubernetes phases; one with another lock's record carries another stack.
 *
 * <p>{@link #require} is the Kubernetes phases' pre-flight: it runs before anything changes, so a
 * refusal (exit 6) leaves the host as it was and a re-run resumes from the mesh.
 */
public final class GoldenStack {
  /** The lock names a bundle may carry: ours (YAML) and the original's. */
  public static final List<String> LOCK_NAMES = List.of("k8s-stack.lock.yaml", "k8s-stack.lock");

  private final Path root;

  public GoldenStack(Path stateDir) {
    this.root = stateDir.resolve("goldens");
  }

  private Path record(String golden) {
    return root.resolve(golden).resolve("stack-lock");
  }

  /** The lock digest recorded for {@code golden}, or empty when it carries no Kubernetes. */
  public Optional<String> carried(String golden) {
    return PrivateFiles.read(record(golden)).map(String::strip).filter(s -> !s.isEmpty());
  }

  /** Records that {@code golden} was provisioned from the lock whose digest is {@code sha256}. */
  public void record(String golden, String sha256) {
    PrivateFiles.write(record(golden), sha256 + "\n");
  }

  /** The bundle's stack lock: the first of {@link #LOCK_NAMES} there. */
  public static Optional<Path> lock(Path bundle) {
    return LOCK_NAMES.stream().map(bundle::resolve).filter(Files::isRegularFile).findFirst();
  }

  /**
   * Exit 6, naming what is missing, unless the bundle has a stack lock and {@code golden} carries
   * that very lock.
   */
  public void require(Path bundle, String golden) {
    Path lock =
        lock(bundle)
            .orElseThrow(
                () ->
                    KldloadException.precondition(
                        "the Kubernetes phases need the offline bundle, and "
                            + bundle.resolve("k8s-stack.lock")
                            + " is missing",
                        "give --until mesh to build the VMs and their mesh without Kubernetes,"
                            + " or set kube.bundle"));
    String wanted = sha256(lock);
    Optional<String> carried = carried(golden);
    if (carried.isEmpty()) {
      throw KldloadException.precondition(
          "golden "
              + golden
              + " carries no Kubernetes (no stack lock recorded in "
              + record(golden)
              + "); it is never used for the Kubernetes phases",
          "rebuild it with the bundle ('kube-cluster destroy --all', then bootstrap), or give"
              + " --until mesh");
    }
    if (!carried.get().equals(wanted)) {
      throw KldloadException.precondition(
          "golden "
              + golden
              + " carries another stack (lock "
              + carried.get().substring(0, 12)
              + "…) than the bundle's "
              + lock
              + " ("
              + wanted.substring(0, 12)
              + "…)",
          "rebuild the golden with this bundle, or point kube.bundle at the one it was built with");
    }
  }

  /** The hex SHA-256 of a file. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[65536];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.FAILED, "cannot read " + file + ": " + e.getMessage(), null, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
