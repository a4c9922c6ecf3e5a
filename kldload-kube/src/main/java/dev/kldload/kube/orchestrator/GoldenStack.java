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
 * together with the golden domain's UUID when it was provisioned. A golden without a record has no
 * Kubernetes and is never used for the Kubernetes phases; a golden rebuilt since (libvirt gives the
 * new domain a new UUID) does not inherit the record; one with another lock's record carries
 * another stack.
 *
 * <p>{@link #require} is the Kubernetes phases' pre-flight: it runs before anything changes, so a
 * refusal (exit 6) leaves the host as it was and a re-run resumes from the mesh.
 */
public final class GoldenStack {
  /** The lock names a bundle may carry: ours (YAML) and the original's. */
  public static final List<String> LOCK_NAMES = List.of("k8s-stack.lock.yaml", "k8s-stack.lock");

  /** What a provisioned golden carries: its lock's digest, on the domain of that UUID. */
  public record Carried(String lockSha256, String domainUuid) {}

  private final Path root;

  public GoldenStack(Path stateDir) {
    this.root = stateDir.resolve("goldens");
  }

  private Path record(String golden) {
    return root.resolve(golden).resolve("stack-lock");
  }

  /** What {@code golden} was recorded as carrying, or empty when it carries no Kubernetes. */
  public Optional<Carried> carried(String golden) {
    return PrivateFiles.read(record(golden))
        .map(String::strip)
        .map(s -> s.split("\\s+"))
        .filter(f -> f.length == 2)
        .map(f -> new Carried(f[0], f[1]));
  }

  /**
   * Records that the golden domain {@code domainUuid} was provisioned from the lock {@code sha256}.
   */
  public void record(String golden, String domainUuid, String sha256) {
    PrivateFiles.write(record(golden), sha256 + " " + domainUuid + "\n");
  }

  /** The bundle's stack lock: the first of {@link #LOCK_NAMES} there. */
  public static Optional<Path> lock(Path bundle) {
    return LOCK_NAMES.stream().map(bundle::resolve).filter(Files::isRegularFile).findFirst();
  }

  /**
   * Exit 6, naming what is missing, unless the bundle has a stack lock and {@code golden} (its
   * domain's UUID now, empty when it does not exist) was provisioned from that very lock.
   */
  public void require(Path bundle, String golden, Optional<String> domainUuid) {
    Path lock = requireLock(bundle);
    String wanted = sha256(lock);
    Optional<Carried> carried = carried(golden);
    String rebuild =
        "rebuild it with the bundle ('kube-cluster golden --rebuild', refused while clones depend"
            + " on it), or give --until mesh";
    if (domainUuid.isEmpty()) {
      throw KldloadException.precondition(
          "golden " + golden + " does not exist, and a new one would carry no Kubernetes", rebuild);
    }
    if (carried.isEmpty() || !carried.get().domainUuid().equals(domainUuid.get())) {
      throw KldloadException.precondition(
          "golden "
              + golden
              + " carries no Kubernetes ("
              + (carried.isEmpty()
                  ? "no stack lock recorded in " + record(golden)
                  : "rebuilt since its stack was recorded")
              + "); it is never used for the Kubernetes phases",
          rebuild);
    }
    if (!carried.get().lockSha256().equals(wanted)) {
      throw KldloadException.precondition(
          "golden "
              + golden
              + " carries another stack (lock "
              + carried.get().lockSha256().substring(0, 12)
              + "…) than the bundle's "
              + lock
              + " ("
              + wanted.substring(0, 12)
              + "…)",
          "rebuild the golden with this bundle ('kube-cluster golden --rebuild'), or point"
              + " kube.bundle at the one it was built with");
    }
  }

  /**
   * The bundle's stack lock; exit 6 when there is none. Enough for a bootstrap whose golden phase
   * builds the golden: it provisions the golden from that lock.
   */
  public static Path requireLock(Path bundle) {
    return lock(bundle)
        .orElseThrow(
            () ->
                KldloadException.precondition(
                    "the Kubernetes phases need the offline bundle, and "
                        + bundle.resolve("k8s-stack.lock")
                        + " is missing",
                    "give --until mesh to build the VMs and their mesh without Kubernetes,"
                        + " or set kube.bundle"));
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
