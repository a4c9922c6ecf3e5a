package dev.kldload.dist;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * The command reference ({@code docs/commands.md}): every tool's and subcommand's help, as {@code
 * --help} prints it, from the same model as the man pages ({@link ManPages#commandTree()}). {@code
 * CommandReferenceTest} fails when the committed file differs from what this writes.
 */
final class CommandReference {
  private CommandReference() {}

  static String render(CommandLine root) {
    StringBuilder md = new StringBuilder();
    md.append("# Command reference\n\n")
        .append("Every tool's `--help`, generated from the command model (the same model as the")
        .append(" man pages and\n`--help`; `mvn package` writes it, and a test fails when this")
        .append(" file is out of date). Each tool\nruns by its own name (`ksnap list`) or as")
        .append(" `kldload TOOL` (`kldload ksnap list`), except\n`kldload doctor` and")
        .append(" `kldload completion`.\n\n");
    for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
      md.append("- [")
          .append(e.getKey())
          .append("](#")
          .append(anchor(e.getKey()))
          .append("): ")
          .append(ManPages.first(e.getValue().getCommandSpec().usageMessage().header()))
          .append('\n');
    }
    md.append("\n## kldload\n\n");
    usage(md, root);
    for (CommandLine tool : root.getSubcommands().values()) {
      section(md, "##", tool);
    }
    return md.toString();
  }

  private static void section(StringBuilder md, String level, CommandLine command) {
    md.append('\n').append(level).append(' ').append(path(command)).append("\n\n");
    usage(md, command);
    for (CommandLine sub : command.getSubcommands().values()) {
      section(md, "###", sub);
    }
  }

  private static void usage(StringBuilder md, CommandLine command) {
    md.append("```text\n").append(command.getUsageMessage(Ansi.OFF).stripTrailing());
    md.append("\n```\n");
  }

  /** The words after "kldload": {@code kube-cluster bootstrap}. */
  private static String path(CommandLine command) {
    return command.getCommandSpec().qualifiedName(" ").replaceFirst("^kldload ", "");
  }

  /** GitHub's heading anchors: lower case, spaces to dashes, other punctuation dropped. */
  private static String anchor(String heading) {
    return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
  }
}
