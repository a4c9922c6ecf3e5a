package dev.kldload.cli;

import dev.kldload.cli.support.Cli;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kldload completion bash|zsh}: a completion script for the whole command tree. */
@Command(
    name = "completion",
    header = "Print a shell completion script (bash or zsh).",
    description = "The script completes 'kldload' and every tool name installed as a symlink.",
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Example:",
      "  kldload completion bash > /etc/bash_completion.d/kldload",
      "  source <(kldload completion zsh)"
    })
public final class CompletionCommand implements Callable<Integer> {
  /** Supported shells. */
  enum Shell {
    bash,
    zsh
  }

  private final Cli cli;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  CompletionCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    // this invocation built only the completion command: completion needs the whole tree
    String script = AutoComplete.bash("kldload", Main.commandLine(cli));
    if (shell == Shell.zsh) {
      // picocli's script is written for bash; zsh runs it through bashcompinit
      cli.out().println("autoload -U +X compinit && compinit");
      cli.out().println("autoload -U +X bashcompinit && bashcompinit");
    }
    cli.out().print(script);
    cli.out().print(toolNames(Main.commandLine(cli).getSubcommands().keySet()));
    cli.out().flush();
    return 0;
  }

  /**
   * picocli's script completes {@code kldload TOOL …}; a tool run by its own name ({@code ksnap
   * li<TAB>}) is completed as {@code kldload ksnap li}. doctor and completion are left out: they
   * are never installed under their own (generic) names, and another program may own them.
   */
  static String toolNames(Set<String> tools) {
    String names =
        tools.stream()
            .filter(t -> !t.equals("doctor") && !t.equals("completion"))
            .collect(Collectors.joining(" "));
    return """

        # Each tool also runs under its own name: 'ksnap li<TAB>' completes as 'kldload ksnap li'.
        function _complete_kldload_tool() {
          local tool=${COMP_WORDS[0]##*/}
          COMP_LINE="kldload ${tool}${COMP_LINE#"${COMP_WORDS[0]}"}"
          COMP_POINT=$((COMP_POINT + 8 + ${#tool} - ${#COMP_WORDS[0]}))
          COMP_WORDS=(kldload "$tool" "${COMP_WORDS[@]:1}")
          COMP_CWORD=$((COMP_CWORD + 1))
          _complete_kldload "$@"
        }
        complete -F _complete_kldload_tool -o default %s
        """
        .formatted(names);
  }
}
