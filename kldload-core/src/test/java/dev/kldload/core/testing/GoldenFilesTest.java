package dev.kldload.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GoldenFilesTest {

  @Test
  @DisplayName("a missing golden file fails (and is not written) unless -Dgolden.update=true")
  void missingFails() {
    String name = "no-such-golden-file.txt";
    assertThat(Boolean.getBoolean("golden.update")).as("run without -Dgolden.update").isFalse();
    assertThatThrownBy(() -> GoldenFiles.assertMatches(name, "anything"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("is missing");
    assertThat(Path.of("src", "test", "resources", "golden", name)).doesNotExist();
  }
}
