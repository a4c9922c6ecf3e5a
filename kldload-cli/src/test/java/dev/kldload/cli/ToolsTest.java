package dev.kldload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ToolsTest {
  private static String[] args(String... values) {
    return values;
  }

  @Test
  @DisplayName(
      "an invocation builds only the tool it names, skipping root options and their values")
  void namedTool() {
    assertThat(Tools.needed(args("ksnap", "list")))
        .extracting(Tools.Tool::name)
        .containsExactly("ksnap");
    assertThat(Tools.needed(args("--state-dir", "/tmp/s", "-v", "kdf", "-o", "json")))
        .extracting(Tools.Tool::name)
        .containsExactly("kdf");
    assertThat(Tools.needed(args("--color=never", "kst")))
        .extracting(Tools.Tool::name)
        .containsExactly("kst");
  }

  @Test
  @DisplayName("--version builds no tool; root help and unknown names build them all")
  void rootCases() {
    assertThat(Tools.needed(args("--version"))).isEmpty();
    assertThat(Tools.needed(args())).isEmpty();
    assertThat(Tools.needed(args("--help"))).isEqualTo(Tools.ALL);
    assertThat(Tools.needed(args("ksnpa"))).isEqualTo(Tools.ALL);
  }

  @Test
  @DisplayName("tool names are unique and match each command's own name")
  void namesMatchAnnotations() {
    assertThat(Tools.ALL).extracting(Tools.Tool::name).doesNotHaveDuplicates();
    for (Tools.Tool tool : Tools.ALL) {
      picocli.CommandLine.Command command =
          tool.type().getAnnotation(picocli.CommandLine.Command.class);
      assertThat(command.name()).as(tool.type().getName()).isEqualTo(tool.name());
    }
  }
}
