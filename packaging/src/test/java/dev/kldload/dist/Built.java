package dev.kldload.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the package phase left the runtime, the generated docs and the .deb. */
final class Built {
  static final Path TARGET = Path.of("target").toAbsolutePath();
  static final Path RUNTIME =
      Path.of(System.getProperty("kldload.runtime", TARGET.resolve("kldload").toString()));
  static final Path DOCS = TARGET.resolve("generated-docs");

  private Built() {}

  static Path deb() {
    Path deb = Path.of(System.getProperty("kldload.deb", ""));
    assertThat(deb).as("failsafe runs after package").isRegularFile();
    return deb;
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
