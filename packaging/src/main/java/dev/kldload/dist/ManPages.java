package dev.kldload.dist;

import dev.kldload.cli.Main;
import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.HostEngines;
import dev.kldload.core.config.ConfigKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes one roff man page per tool, straight from picocli's model of the command tree (the same
 * model {@code --help} renders, so the two cannot drift), and the list of tool names the runtime
 * links to its launcher.
 *
 * <p>Output, under the directory given as the first argument: {@code man1/TOOL.1} for every tool
 * run by its own name, {@code man1/kldload-TOOL.1} for the subcommands that are only run as {@code
 * kldload TOOL}, {@code man1/kldload.1}, and {@code tools} (lines of {@code NAME PLACE}, PLACE
 * being {@code path} for a tool installed on {@code PATH} and {@code suite} for one that is not).
 *
 * <p>Roff written directly rather than through picocli-codegen's AsciiDoc: no renderer to install
 * at build time, and the pages carry the EXIT STATUS, ENVIRONMENT and FILES sections man(7)
 * expects, checked by {@code man --warnings} in {@code ManPagesIT}.
 */
public final class ManPages {
  /**
   * Subcommands with generic names: on PATH they would collide with other programs, so they stay
   * {@code kldload doctor} and {@code kldload completion}.
   */
  static final Set<String> SUITE_ONLY = Set.of("doctor", "completion");

  private static final String DATE = "2026-11-30";

  private final String version;

  ManPages(String version) {
    this.version = version;
  }

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    String version = args.length > 1 ? args[1] : "unknown";
    Files.createDirectories(out.resolve("man1"));
    CommandLine root = commandTree();
    ManPages pages = new ManPages(version);
    StringBuilder tools = new StringBuilder();
    Files.writeString(out.resolve("man1/kldload.1"), pages.rootPage(root), StandardCharsets.UTF_8);
    for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
      String name = e.getKey();
      boolean suiteOnly = SUITE_ONLY.contains(name);
      Files.writeString(
          out.resolve("man1/" + pageName(name) + ".1"),
          pages.toolPage(e.getValue(), suiteOnly),
          StandardCharsets.UTF_8);
      tools.append(name).append(suiteOnly ? " suite" : " path").append('\n');
    }
    Files.writeString(out.resolve("tools"), tools.toString(), StandardCharsets.UTF_8);
  }

  /** The full tree, wired as {@code Main} wires it (exit-code lists included). */
  static CommandLine commandTree() {
    PrintWriter sink = new PrintWriter(new StringWriter());
    // engines are built on first use: walking the command model builds none
    Cli cli =
        new Cli(
            sink,
            sink,
            Map.of(),
            () -> null,
            false,
            Clock.systemUTC(),
            c -> new HostEngines(Map.of(), c.err(), c::verbosity));
    return Main.commandLine(cli);
  }

  static String pageName(String tool) {
    return SUITE_ONLY.contains(tool) ? "kldload-" + tool : tool;
  }

  String rootPage(CommandLine root) {
    CommandSpec spec = root.getCommandSpec();
    Roff r = new Roff();
    header(r, "kldload", spec);
    r.section("SYNOPSIS");
    r.synopsis(synopsis(spec));
    r.section("DESCRIPTION");
    r.text(description(spec));
    r.section("COMMANDS");
    for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
      String name = e.getKey();
      r.tagged(
          "\\fB" + Roff.escape(name) + "\\fR",
          first(e.getValue().getCommandSpec().usageMessage().header())
              + (SUITE_ONLY.contains(name) ? "" : " Also run as " + name + ".")
              + " See "
              + pageName(name)
              + "(1).");
    }
    r.section("OPTIONS");
    r.text("Accepted before or after the command.");
    options(r, spec, true);
    common(r, spec, List.of(spec));
    seeAlso(r, root, "kldload");
    return r.toString();
  }

  String toolPage(CommandLine tool, boolean suiteOnly) {
    CommandSpec spec = tool.getCommandSpec();
    String name = spec.name();
    Roff r = new Roff();
    header(r, pageName(name), spec);
    r.section("SYNOPSIS");
    // picocli's synopsis names the command as run from the root: "kldload ksnap …"
    if (!suiteOnly) {
      r.synopsis(synopsis(spec).replaceFirst("^kldload ", ""));
    }
    r.synopsis(synopsis(spec));
    r.section("DESCRIPTION");
    r.text(description(spec));
    positionals(r, spec);
    if (hasOwnOptions(spec)) {
      r.section("OPTIONS");
      options(r, spec, false);
    }
    List<CommandSpec> all = new ArrayList<>();
    all.add(spec);
    if (!tool.getSubcommands().isEmpty()) {
      r.section("COMMANDS");
      for (CommandLine sub : tool.getSubcommands().values()) {
        subcommand(r, sub.getCommandSpec(), name);
        all.add(sub.getCommandSpec());
      }
    }
    r.section("GLOBAL OPTIONS");
    r.text("Accepted before or after the command.");
    options(r, spec, true);
    common(r, spec, all);
    seeAlso(r, tool.getParent(), name);
    return r.toString();
  }

  private void header(Roff r, String page, CommandSpec spec) {
    r.line(
        ".TH "
            + Roff.quote(page.toUpperCase(java.util.Locale.ROOT))
            + " 1 "
            + Roff.quote(DATE)
            + " "
            + Roff.quote("kldload " + version)
            + " "
            + Roff.quote("kldload manual"));
    r.section("NAME");
    r.line(
        Roff.escape(page) + " \\- " + Roff.escape(trimPeriod(first(spec.usageMessage().header()))));
  }

  private static boolean hasOwnOptions(CommandSpec spec) {
    return spec.options().stream().anyMatch(o -> !o.hidden() && !o.inherited() && !standard(o));
  }

  private static boolean standard(OptionSpec o) {
    return o.usageHelp() || o.versionHelp();
  }

  private void subcommand(Roff r, CommandSpec sub, String tool) {
    r.subsection(tool + " " + sub.name());
    r.text(first(sub.usageMessage().header()));
    r.synopsis(
        ManPages.SUITE_ONLY.contains(tool)
            ? synopsis(sub)
            : synopsis(sub).replaceFirst("^kldload ", ""));
    String description = description(sub);
    if (!description.equals(first(sub.usageMessage().header()))) {
      r.line(".PP");
      r.text(description);
    }
    for (PositionalParamSpec p : sub.positionalParameters()) {
      if (!p.hidden()) {
        r.tagged("\\fI" + Roff.escape(p.paramLabel()) + "\\fR", join(p.description()));
      }
    }
    for (OptionSpec o : sub.options()) {
      if (!o.hidden() && !o.inherited() && !standard(o)) {
        r.tagged(optionTag(o), join(o.description()));
      }
    }
  }

  private void positionals(Roff r, CommandSpec spec) {
    List<PositionalParamSpec> params =
        spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
    if (params.isEmpty()) {
      return;
    }
    r.section("ARGUMENTS");
    for (PositionalParamSpec p : params) {
      r.tagged("\\fI" + Roff.escape(p.paramLabel()) + "\\fR", join(p.description()));
    }
  }

  /**
   * Options of one kind: {@code global} picks the ones every command accepts (inherited from the
   * root, and -h/-V); otherwise the command's own. The root page lists everything.
   */
  private void options(Roff r, CommandSpec spec, boolean global) {
    boolean root = spec.parent() == null;
    for (OptionSpec o : spec.options()) {
      boolean isGlobal = o.inherited() || standard(o);
      if (!o.hidden() && (root || isGlobal == global)) {
        r.tagged(optionTag(o), join(o.description()));
      }
    }
  }

  private static String optionTag(OptionSpec o) {
    StringBuilder tag = new StringBuilder();
    for (String n : o.names()) {
      if (tag.length() > 0) {
        tag.append(", ");
      }
      tag.append("\\fB").append(Roff.escape(n)).append("\\fR");
    }
    if (o.arity().max() > 0) {
      tag.append(" \\fI").append(Roff.escape(o.paramLabel())).append("\\fR");
    }
    return tag.toString();
  }

  /** EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES: the sections every page has. */
  private void common(Roff r, CommandSpec spec, List<CommandSpec> withExamples) {
    r.section("EXIT STATUS");
    for (Map.Entry<String, String> e : spec.usageMessage().exitCodeList().entrySet()) {
      r.tagged("\\fB" + Roff.escape(e.getKey().strip()) + "\\fR", e.getValue());
    }
    r.section("ENVIRONMENT");
    r.text(
        "Every configuration key can be set by an environment variable; later sources win:"
            + " /etc/kldload/kldload.yaml, then ~/.config/kldload/kldload.yaml (or the file given"
            + " with --config), then the environment, then flags.");
    for (ConfigKey key : ConfigKey.values()) {
      r.tagged(
          "\\fB" + Roff.escape(key.environmentName()) + "\\fR",
          "Key "
              + key.key()
              + ": "
              + key.description()
              + key.defaultValue().map(d -> " (default: " + d + ")").orElse("")
              + ".");
    }
    r.tagged("\\fBLIBVIRT_DEFAULT_URI\\fR", "Honoured before libvirt.uri.");
    r.tagged("\\fBNO_COLOR\\fR", "When set, no colour on a terminal either.");
    r.tagged(
        "\\fBKLDLOAD_JAVA_OPTS\\fR",
        "Extra options for the Java virtual machine, read by the launcher.");
    r.section("FILES");
    r.tagged("\\fI/etc/kldload/kldload.yaml\\fR", "System configuration (YAML).");
    r.tagged("\\fI~/.config/kldload/kldload.yaml\\fR", "Per-user configuration.");
    for (ConfigKey key : ConfigKey.values()) {
      key.defaultValue()
          .filter(d -> d.startsWith("/") && d.length() > 1)
          .ifPresent(
              d ->
                  r.tagged(
                      "\\fI" + Roff.escape(d) + "\\fR",
                      capital(key.description()) + " (" + key.key() + ")."));
    }
    r.tagged(
        "\\fI/opt/kldload\\fR",
        "The runtime: launcher, Java runtime image, application jars, class-data sharing archive.");
    List<String> examples = new ArrayList<>();
    for (CommandSpec s : withExamples) {
      examples.addAll(examples(s));
    }
    if (!examples.isEmpty()) {
      r.section("EXAMPLES");
      r.example(examples.stream().distinct().toList());
    }
  }

  private void seeAlso(Roff r, CommandLine root, String self) {
    r.section("SEE ALSO");
    List<String> refs = new ArrayList<>();
    if (!self.equals("kldload")) {
      refs.add("\\fBkldload\\fR(1)");
    }
    for (String name : root.getSubcommands().keySet()) {
      if (!name.equals(self)) {
        refs.add("\\fB" + Roff.escape(pageName(name)) + "\\fR(1)");
      }
    }
    r.line(String.join(",\n", refs));
  }

  /** The lines after "Example:" in a footer, without their indentation. */
  static List<String> examples(CommandSpec spec) {
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String line : spec.usageMessage().footer()) {
      for (String l : format(line).split("\n", -1)) {
        if (l.strip().equals("Example:") || l.strip().equals("Examples:")) {
          in = true;
        } else if (in && !l.isBlank()) {
          out.add(l.strip());
        }
      }
    }
    return out;
  }

  private static String synopsis(CommandSpec spec) {
    Help help = new Help(spec, Help.defaultColorScheme(Ansi.OFF));
    return help.synopsis(0).strip().replaceAll("\\s+", " ");
  }

  private static String description(CommandSpec spec) {
    String d = join(spec.usageMessage().description());
    return d.isBlank() ? first(spec.usageMessage().header()) : d;
  }

  /** The first line of a help section, formatted as picocli formats it. */
  static String first(String[] lines) {
    return lines.length == 0 ? "" : format(lines[0]).strip();
  }

  private static String join(String[] lines) {
    return format(String.join(" ", lines)).replaceAll("[ \\t]+", " ").strip();
  }

  /** picocli formats help text with String.format: %n is a line break, %% a percent sign. */
  private static String format(String s) {
    return s.replace("%n", "\n").replace("%%", "%");
  }

  private static String trimPeriod(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static String capital(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
