package dev.kldload.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares generated text with a file under {@code src/test/resources/golden/}. With {@code
 * -Dgolden.update=true} the file is rewritten instead (and the change is reviewed in the diff).
 */
public final class GoldenFiles {
  private GoldenFiles() {}

  public static void assertMatches(String name, String actual) {
    Path file = Path.of("src", "test", "resources", "golden", name);
    try {
      if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
        if (!Boolean.getBoolean("golden.update") && "true".equalsIgnoreCase(System.getenv("CI"))) {
          throw new AssertionError(
              "golden file " + file + " is missing (run with -Dgolden.update=true)");
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        return;
      }
      assertThat(actual)
          .as("golden file %s (update with -Dgolden.update=true)", file)
          .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
