package dev.kldload.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.config.ConfigKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConfigurationDocTest {
  @Test
  @DisplayName(
      "docs/configuration.md has one row per configuration key, with its default and environment"
          + " variable, and no row for a key the code does not know")
  void everyKeyDocumented() throws IOException {
    // rows: | `key` | `default` or text | `KLDLOAD_…` | meaning |
    Map<String, String[]> rows =
        Files.readAllLines(Path.of("..", "docs", "configuration.md"), StandardCharsets.UTF_8)
            .stream()
            .filter(l -> l.startsWith("| `"))
            .map(l -> l.split("\\s*\\|\\s*"))
            .collect(Collectors.toMap(c -> c[1].replace("`", ""), c -> c));
    List<String> keys = Arrays.stream(ConfigKey.values()).map(ConfigKey::key).toList();
    assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(keys);
    for (ConfigKey key : ConfigKey.values()) {
      String[] row = rows.get(key.key());
      assertThat(row[3]).as(key.key()).isEqualTo("`" + key.environmentName() + "`");
      key.defaultValue()
          .ifPresent(d -> assertThat(row[2]).as("default of %s", key.key()).contains(d));
    }
  }
}
