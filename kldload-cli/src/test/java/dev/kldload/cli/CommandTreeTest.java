package dev.kldload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.support.Cli;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Walks the whole command tree: every command documents itself and rejects what it does not know.
 */
class CommandTreeTest {

  static Stream<List<String>> commands() {
    Cli cli = CliHarness.harness().cli();
    List<List<String>> paths = new ArrayList<>();
    collect(Main.commandLine(cli), new ArrayList<>(), paths);
    return paths.stream();
  }

  private static void collect(CommandLine cmd, List<String> prefix, List<List<String>> out) {
    out.add(List.copyOf(prefix));
    cmd.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandName().equals(name)) {
                List<String> next = new ArrayList<>(prefix);
                next.add(name);
                collect(sub, next, out);
              }
            });
  }

  private static String[] with(List<String> path, String... more) {
    List<String> args = new ArrayList<>(path);
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @ParameterizedTest(name = "kldload {0} --help")
  @MethodSource("commands")
  @DisplayName("--help exits 0 and shows a header, usage, exit codes and an example")
  void help(List<String> path) {
    CliHarness.Result result = CliHarness.run(with(path, "--help"));
    assertThat(result.exit()).as(result.toString()).isZero();
    String[] lines = result.out().split("\n");
    assertThat(lines[0]).as("header line of %s", path).isNotBlank().doesNotStartWith("Usage:");
    assertThat(result.out()).as(result.toString()).contains("Usage: ", "Exit codes:", "Example:");
    assertThat(result.err()).as(result.toString()).isEmpty();
  }

  @ParameterizedTest(name = "kldload {0} --no-such-option")
  @MethodSource("commands")
  @DisplayName("an unknown option exits 2 with one error line and a pointer to --help")
  void unknownOption(List<String> path) {
    CliHarness.Result result = CliHarness.run(with(path, "--no-such-option"));
    assertThat(result.exit()).as(result.toString()).isEqualTo(2);
    assertThat(result.err())
        .as(result.toString())
        .startsWith("error: ")
        .contains("--no-such-option");
    assertThat(result.out()).as(result.toString()).isEmpty();
  }
}
