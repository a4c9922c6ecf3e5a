package dev.kldload.cli;

import dev.kldload.cli.logging.Logging;
import dev.kldload.cli.model.CommandModels;
import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.CommandFactory;
import dev.kldload.cli.support.ErrorHandlers;
import dev.kldload.cli.support.HostEngines;
import dev.kldload.cli.support.VersionProvider;
import dev.kldload.cli.support.WarmUp;
import dev.kldload.core.ExitCode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import sun.misc.Signal;

/**
 * Entry point. The launcher passes the name it was invoked by ({@code -Dkldload.prog}); when that
 * is a tool name ({@code ksnap}, {@code kube-cluster}) the tool runs directly. The only place that
 * calls {@link System#exit}.
 */
public final class Main {
  /** The root command's name, and the name of its model file (see {@link ModelFiles}). */
  static final String ROOT = "kldload";

  private Main() {}

  public static void main(String[] args) {
    String prog = System.getProperty("kldload.prog", "kldload");
    String[] effective = dispatch(prog, args);
    WarmUp warmUp = WarmUp.start(warmUp(effective));
    Logging logging = Logging.start(prog, args, System.err);
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(logging.stderr(), true, StandardCharsets.UTF_8);
    Cli cli =
        new Cli(
            out,
            err,
            System.getenv(),
            () -> new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
            System.console() != null,
            Clock.systemUTC(),
            c -> new HostEngines(System.getenv(), c.err(), c::verbosity));
    logging.attach(cli);
    installInterruptHandler(cli);
    int code = run(cli, warmUp, effective);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Parses and runs one invocation; returns the exit code. Used by tests with their own {@link
   * Cli}.
   */
  public static int run(Cli cli, String prog, String... args) {
    return run(cli, WarmUp.none(), dispatch(prog, args));
  }

  private static int run(Cli cli, WarmUp warmUp, String[] effective) {
    if (VersionProvider.isVersionRequest(effective)) {
      // the root's --version needs no command model: 75 ms less (docs/performance.md)
      return VersionProvider.print(cli.out());
    }
    CommandLine commandLine = commandLine(cli, Tools.needed(effective));
    commandLine.setExecutionStrategy(warmUp.strategy());
    return commandLine.execute(effective);
  }

  /**
   * The warm-up of the tool an invocation runs; none for help and version requests, which never
   * reach the tool's work.
   */
  static Runnable warmUp(String[] effective) {
    List<Tools.Tool> tools = Tools.needed(effective);
    if (tools.size() != 1) {
      return WarmUp.NOTHING;
    }
    for (String arg : effective) {
      if (arg.equals("--")) {
        break;
      }
      if (arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version")) {
        return WarmUp.NOTHING;
      }
    }
    return tools.get(0).warmUp();
  }

  /** The whole command tree, wired: factory, streams, handlers, help sections. */
  public static CommandLine commandLine(Cli cli) {
    return commandLine(cli, Tools.ALL);
  }

  private static CommandLine commandLine(Cli cli, List<Tools.Tool> tools) {
    CommandFactory factory = new CommandFactory(cli);
    // models built from the files the build wrote, not from annotations: see CommandModels
    CommandLine commandLine =
        new CommandLine(CommandModels.command(ROOT, KldloadCommand.class, factory), factory);
    for (Tools.Tool tool : tools) {
      commandLine.addSubcommand(
          tool.name(),
          new CommandLine(CommandModels.command(tool.name(), tool.type(), factory), factory));
    }
    commandLine.setOut(cli.out());
    commandLine.setErr(cli.err());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExecutionExceptionHandler(new ErrorHandlers.Execution(cli));
    commandLine.setParameterExceptionHandler(new ErrorHandlers.Parameters());
    commandLine.setUsageHelpAutoWidth(false);
    commandLine.setUsageHelpWidth(100);
    addExitCodes(commandLine);
    return commandLine;
  }

  /** Multi-call: {@code ksnap list} becomes {@code kldload ksnap list}. */
  static String[] dispatch(String prog, String[] args) {
    String name = prog.substring(prog.lastIndexOf('/') + 1);
    if (!name.equals("kldload") && Tools.byName(name).isPresent()) {
      List<String> all = new ArrayList<>();
      all.add(name);
      all.addAll(Arrays.asList(args));
      return all.toArray(new String[0]);
    }
    return args;
  }

  private static void addExitCodes(CommandLine commandLine) {
    Map<String, String> codes = new LinkedHashMap<>();
    for (ExitCode code : ExitCode.values()) {
      // padded by hand: String.format's Formatter loads the locale providers, ~8 ms of every run
      String number = Integer.toString(code.code());
      codes.put(" ".repeat(Math.max(0, 3 - number.length())) + number, code.meaning());
    }
    commandLine
        .getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(codes);
    commandLine.getSubcommands().values().forEach(Main::addExitCodes);
  }

  /**
   * SIGINT (Ctrl-C) and SIGTERM (systemd, {@code timeout}, {@code kill}) mean the same: the first
   * cancels the running plan (steps stop, running programs are killed, the journal stays
   * consistent, nothing is undone, exit 130, so a re-run resumes); a second one, or one while no
   * plan runs, exits at once with 130. A run started in the background by a script has SIGINT
   * ignored by its shell: SIGTERM is the way to stop it.
   */
  private static void installInterruptHandler(Cli cli) {
    for (String name : List.of("INT", "TERM")) {
      try {
        Signal.handle(new Signal(name), signal -> interrupt(cli, name));
      } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
        // no such signal on this platform: the JVM's default applies
      }
    }
  }

  private static void interrupt(Cli cli, String signal) {
    if (cli.planRunning() && !cli.cancellation().isCancelled()) {
      cli.err().println();
      cli.err()
          .println(
              "interrupted (SIG"
                  + signal
                  + "): stopping after the running steps (again to quit now)");
      cli.err().flush();
      cli.cancellation().cancel();
    } else {
      Runtime.getRuntime().halt(ExitCode.INTERRUPTED.code());
    }
  }
}
