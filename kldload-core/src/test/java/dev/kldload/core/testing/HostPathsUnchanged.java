package dev.kldload.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that changed the host's kldload and libvirt paths: tests write under their
 * {@code @TempDir}s only, and a default that leaks (a state directory not overridden, a disk in the
 * real images directory) shows up here instead of on a developer's machine. Registered for every
 * test class through JUnit's extension autodetection.
 */
public final class HostPathsUnchanged implements BeforeAllCallback, AfterAllCallback {
  /** What a test could write by falling back to a production default. */
  static final List<Path> WATCHED =
      List.of(
          Path.of("/var/lib/libvirt/images"),
          Path.of("/etc/kldload"),
          Path.of("/run/kldload"),
          Path.of("/var/lib/kldload"));

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(HostPathsUnchanged.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NS).put("before", snapshot());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    @SuppressWarnings("unchecked")
    Map<String, Long> before = context.getStore(NS).get("before", Map.class);
    Map<String, Long> after = snapshot();
    if (before != null && !before.equals(after)) {
      List<String> changed = new ArrayList<>();
      after.forEach(
          (path, time) -> {
            if (!time.equals(before.get(path))) {
              changed.add(path);
            }
          });
      before.keySet().stream().filter(p -> !after.containsKey(p)).forEach(p -> changed.add(p));
      throw new AssertionError(
          context.getDisplayName() + " changed host paths outside its temp dirs: " + changed);
    }
  }

  /** Every entry under the watched paths with its modification time (-1: a watched root absent). */
  static Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    for (Path root : WATCHED) {
      if (!Files.exists(root)) {
        out.put(root.toString(), -1L);
        continue;
      }
      try (Stream<Path> all = Files.walk(root, 4)) {
        for (Path p : all.toList()) {
          out.put(p.toString(), Files.getLastModifiedTime(p).toMillis());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}
