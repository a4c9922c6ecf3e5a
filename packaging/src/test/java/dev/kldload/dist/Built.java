package dev.kldload.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the package phase left the runtime, the generated docs and the .deb. */
final class Built {
  /**
   * packaging/target: the test classes' parent, wherever the tests run (the lab VM's share too).
   */
  static final Path TARGET = testClasses().getParent();

  static final Path RUNTIME =
      Path.of(System.getProperty("kldload.runtime", TARGET.resolve("kldload").toString()));
  static final Path DOCS = TARGET.resolve("generated-docs");

  private Built() {}

  /** The .deb: named by failsafe, else the one package built (the lab VM runs no failsafe). */
  static Path deb() {
    String named = System.getProperty("kldload.deb");
    Path deb;
    if (named != null) {
      deb = Path.of(named);
    } else {
      try (Stream<Path> files = Files.list(TARGET)) {
        List<Path> debs =
            files
                .filter(f -> f.getFileName().toString().matches("kldload_.*_amd64\\.deb"))
                .toList();
        assertThat(debs).as("packages in %s", TARGET).hasSize(1);
        deb = debs.get(0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertThat(deb).as("failsafe runs after package").isRegularFile();
    return deb;
  }

  private static Path testClasses() {
    try {
      return Path.of(Built.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Tool name and place ({@code path} or {@code suite}), from the generated list. */
  static List<String[]> tools() {
    try {
      return Files.readAllLines(DOCS.resolve("tools")).stream()
          .filter(l -> !l.isBlank())
          .map(l -> l.split(" "))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
