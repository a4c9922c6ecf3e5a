package dev.kldload.kube.bundle;

import dev.kldload.kube.node.StackLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code kube-bundle verify}: every file the lock pins is there with its SHA-256, and nothing else
 * is. Changes nothing.
 */
public final class BundleVerifier {
  private BundleVerifier() {}

  /** One line per artefact that does not match; empty when the bundle is exactly its lock. */
  public static List<String> problems(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    StackLock lock = StackLock.load(StackLock.inBundle(root));
    Map<String, String> files = lock.files();
    List<String> problems = new ArrayList<>();
    try {
      for (Map.Entry<String, String> e : files.entrySet()) {
        Path file = root.resolve(e.getKey()).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
          problems.add(e.getKey() + ": missing");
        } else {
          String actual = HttpFetcher.sha256(file);
          if (!actual.equals(e.getValue())) {
            problems.add(
                e.getKey() + ": SHA-256 " + actual + " does not match the lock's " + e.getValue());
          }
        }
      }
      Path lockFile = StackLock.inBundle(root);
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(Files::isRegularFile)
            .filter(f -> !f.equals(lockFile))
            .map(f -> root.relativize(f).toString())
            .filter(f -> !files.containsKey(f))
            .sorted()
            .forEach(f -> problems.add(f + ": not in the stack lock"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return problems;
  }
}
