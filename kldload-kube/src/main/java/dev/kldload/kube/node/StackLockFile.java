package dev.kldload.kube.node;

import dev.kldload.core.KldloadException;
import dev.kldload.core.io.YamlInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A stack lock file in either format: our YAML lock ({@link StackLock}, every artefact with its
 * SHA-256) or the original tools' {@code k8s-stack.lock} ({@link OriginalStackLock}, versions
 * only). kube-init accepts both; kube-setup, which installs packages and binaries as root, only the
 * YAML one.
 */
public final class StackLockFile {
  /** The original's file name in a darksite. */
  public static final String ORIGINAL_NAME = "k8s-stack.lock";

  private final StackLock lock;
  private final Optional<OriginalStackLock> original;

  private StackLockFile(StackLock lock, Optional<OriginalStackLock> original) {
    this.lock = lock;
    this.original = original;
  }

  /**
   * The lock in {@code bundle} when none is named: {@code k8s-stack.lock.yaml}, else the original's
   * {@code k8s-stack.lock} when only that one is there.
   */
  public static Path inBundle(Path bundle) {
    Path yaml = StackLock.inBundle(bundle);
    Path original = bundle.resolve(ORIGINAL_NAME);
    return !Files.isRegularFile(yaml) && Files.isRegularFile(original) ? original : yaml;
  }

  /**
   * Reads {@code file} in whichever format it is; an original lock's charts and manifests come from
   * {@code bundle}'s conventional paths, each one named in {@code warnings} (unverified).
   */
  public static StackLockFile load(Path file, Path bundle, Consumer<String> warnings) {
    Optional<String> originalText = originalText(file);
    if (originalText.isEmpty()) {
      return new StackLockFile(StackLock.load(file), Optional.empty());
    }
    OriginalStackLock original = OriginalStackLock.parse(originalText.get(), "stack lock " + file);
    warnings.accept(
        "stack lock "
            + file
            + " is the original KEY=VALUE format: versions come from it, checksums cannot");
    return new StackLockFile(original.toStackLock(bundle, warnings), Optional.of(original));
  }

  /**
   * A YAML lock only: PRECONDITION for the original format, whose packages and tools no checksum
   * vouches for.
   */
  public static StackLock requireVerified(Path file) {
    if (originalText(file).isPresent()) {
      throw KldloadException.precondition(
          "stack lock "
              + file
              + " is the original KEY=VALUE format, which pins no checksums; packages and tools"
              + " are installed only from a YAML stack lock with SHA-256 sums",
          "use the bundle's k8s-stack.lock.yaml (give --lock FILE)");
    }
    return StackLock.load(file);
  }

  public StackLock lock() {
    return lock;
  }

  /**
   * The image the lock pins for {@code name} (e.g. kube-vip): the YAML lock's {@code images} (the
   * reference kube-load-images imported from the bundle), or the original's {@code IMAGE=} lines.
   */
  public Optional<String> image(String name) {
    if (original.isPresent()) {
      return original.get().image(name);
    }
    return lock.images().stream()
        .map(StackLock.Image::ref)
        .filter(ref -> OriginalStackLock.named(ref, name))
        .findFirst();
  }

  private static Optional<String> originalText(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String text = YamlInput.read(file, "stack lock " + file);
    return OriginalStackLock.recognises(text) ? Optional.of(text) : Optional.empty();
  }
}
