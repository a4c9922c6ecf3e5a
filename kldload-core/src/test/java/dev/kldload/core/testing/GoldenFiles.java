package dev.kldload.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares generated text with a file under {@code src/test/resources/golden/}. With {@code
 * -Dgolden.update=true} the file is rewritten instead (and the change is reviewed in the diff). A
 * missing file fails like a different one: writing it silently would let any output pass once.
 */
public final class GoldenFiles {
  private GoldenFiles() {}

  public static void assertMatches(String name, String actual) {
    Path file = Path.of("src", "test", "resources", "golden", name);
    try {
      if (Boolean.getBoolean("golden.update")) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        return;
      }
      if (!Files.exists(file)) {
        throw new AssertionError(
            "golden file "
                + file
                + " is missing: create it with -Dgolden.update=true and review it");
      }
      assertThat(actual)
          .as("golden file %s (update with -Dgolden.update=true)", file)
          .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
