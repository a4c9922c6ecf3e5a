package dev.kldload.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class YamlInputTest {

  @Test
  @Timeout(5)
  @DisplayName("an input over 1 MiB is refused (exit 2) before it is parsed, naming the file")
  void tooLarge(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mesh.yaml");
    Files.writeString(file, "nodes:\n" + "  - {id: 1, name: n}\n".repeat(1_000_000));
    assertThatThrownBy(() -> YamlInput.read(file, "mesh file " + file))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT);
              assertThat(e.getMessage()).isEqualTo("mesh file " + file + " is larger than 1 MiB");
            });
  }

  @Test
  @DisplayName("text over the limit is refused by the parser too")
  void parserLimit() {
    String text = "k: " + "x".repeat(YamlInput.MAX_BYTES + 10) + "\n";
    assertThatThrownBy(() -> YamlInput.mapper().readTree(text))
        .hasMessageContaining("exceeds the limit");
  }

  @Test
  @DisplayName("an ordinary file parses")
  void ordinary(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "net:\n  mgmt:\n    subnet: 10.250.0.0/24\n");
    assertThat(
            YamlInput.mapper()
                .readTree(YamlInput.read(file, "config"))
                .at("/net/mgmt/subnet")
                .asText())
        .isEqualTo("10.250.0.0/24");
  }

  @Test
  @DisplayName("an empty value reads as null, as Jackson's default YAML mapper reads it")
  void emptyIsNull() throws Exception {
    assertThat(YamlInput.mapper().readTree("kubernetes: v1\npackages:\n").get("packages").isNull())
        .isTrue();
  }
}
