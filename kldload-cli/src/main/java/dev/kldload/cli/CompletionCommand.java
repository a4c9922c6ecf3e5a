package dev.kldload.cli;

import dev.kldload.cli.support.Cli;
import java.util.concurrent.Callable;
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
    cli.out().flush();
    return 0;
  }
}
