package dev.kldload.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.cli.kvm.KvmListCommand;
import dev.kldload.cli.support.CommandFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

class CommandModelsFallbackTest {
  private static Object command(String text) throws IOException {
    return CommandModels.command(
        ModelFile.parse(new BufferedReader(new StringReader(text))),
        KvmListCommand.class,
        new CommandFactory(CliHarness.harness().cli()));
  }

  @Test
  @DisplayName("a command without a model is left to picocli's reflection")
  void noModel() {
    assertThat(CommandModels.command("no-such-tool", KvmListCommand.class, null))
        .isEqualTo(KvmListCommand.class);
  }

  @Test
  @DisplayName("a model whose member the class no longer has is left to reflection")
  void memberGone() throws IOException {
    String text = ModelWriter.text(KvmListCommand.class);
    assertThat(command(text)).isInstanceOf(CommandSpec.class);
    assertThat(command(text.replace("field\toutput\t", "field\tgone\t")))
        .isEqualTo(KvmListCommand.class);
  }

  @Test
  @DisplayName("a model whose member changed type, or that misses a class, is left to reflection")
  void typeChanged() throws IOException {
    String text = ModelWriter.text(KvmListCommand.class);
    assertThat(
            command(
                text.replace(
                    "field\tconnect\tdev.kldload.cli.kvm.ConnectOption",
                    "field\tconnect\tjava.lang.String")))
        .isEqualTo(KvmListCommand.class);
    assertThat(command(text.replace("type\tdev.kldload.cli.kvm.ConnectOption", "type\tX")))
        .isEqualTo(KvmListCommand.class);
  }

  @Test
  @DisplayName("model text survives tabs, newlines and backslashes in values")
  void escaping() {
    String value = "a\tb\nc\\d\re";
    assertThat(ModelFile.split("=k\t" + ModelFile.escape(value) + "\t"))
        .containsExactly("=k", value, "");
  }
}
