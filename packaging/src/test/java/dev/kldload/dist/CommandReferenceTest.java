package dev.kldload.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

class CommandReferenceTest {
  private static final Path COMMITTED = Path.of("..", "docs", "commands.md");

  @Test
  @DisplayName(
      "docs/commands.md is what the command model gives today (rewrite with"
          + " -Dgolden.update=true)")
  void committedReferenceIsCurrent() throws IOException {
    String generated = CommandReference.render(ManPages.commandTree());
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(COMMITTED, generated, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
        .as("docs/commands.md (regenerate with -Dgolden.update=true)")
        .isEqualTo(generated);
  }

  @Test
  @DisplayName("every command and subcommand has its section and its full --help text")
  void everyCommandHasItsHelp() {
    CommandLine root = ManPages.commandTree();
    String md = CommandReference.render(root);
    for (CommandLine tool : root.getSubcommands().values()) {
      assertThat(md)
          .contains("\n## " + tool.getCommandName() + "\n")
          .contains(tool.getUsageMessage(Ansi.OFF).stripTrailing());
      for (CommandLine sub : tool.getSubcommands().values()) {
        assertThat(md)
            .contains("\n### " + tool.getCommandName() + " " + sub.getCommandName() + "\n")
            .contains(sub.getUsageMessage(Ansi.OFF).stripTrailing());
      }
    }
  }
}
