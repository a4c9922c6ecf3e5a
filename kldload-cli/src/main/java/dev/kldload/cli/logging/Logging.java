package dev.kldload.cli.logging;

import dev.kldload.cli.support.Cli;
import dev.kldload.core.config.ConfigKey;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging of one process, set up by {@code Main}: SLF4J is bound to Logback, configured in code by
 * {@link LogConfigurator} (no configuration file is looked for), and only when something logs — a
 * library logger, or a line on stderr in a run without a terminal — so {@code --version} and {@code
 * --help} pay nothing for it.
 *
 * <ul>
 *   <li>stderr: library log lines in the suite's own style ({@code warning: …}); {@code -q} shows
 *       errors only, the default warnings, {@code -v} info, {@code -vv} debug, {@code -vvv} trace.
 *   <li>a file, when stderr is not a terminal (cron, systemd, a pipe): {@code <log-dir>/<tool>.log}
 *       ({@code log-dir} key, {@code KLDLOAD_LOG_DIR}, default {@code /var/log/kldload}), rotated
 *       by size, with every stderr line and every library line at info or above (more with -v).
 *       Skipped without a word when the directory cannot be written (an ordinary user).
 *   <li>secrets: every line is passed through {@link Redactor} before it reaches the file.
 * </ul>
 *
 * <p>Logback's configuration is process-wide by nature; this class keeps the one process's settings
 * for it, and nothing else is static.
 */
public final class Logging {
  private static volatile Logging current =
      new Logging(
          "kldload",
          true,
          new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));

  private final String prog;
  private final boolean terminal;
  private final PrintStream stderr;
  private Redactor redactor; // built with the first line: its patterns cost a --version run 20 ms
  private volatile IntSupplier verbosity = () -> 0;
  private volatile Supplier<Path> logDir = Logging::logDirFromEnvironment;
  private volatile Logger stderrLog;

  private Logging(String prog, boolean terminal, PrintStream stderr) {
    this.prog = prog;
    this.terminal = terminal;
    this.stderr = stderr;
  }

  /**
   * Starts logging for this process. Without a terminal on stderr, {@link #stderr()} is a tee into
   * the tool's log file: {@code Main} builds its error writer on it. The launcher says whether
   * stderr is a terminal ({@code -Dkldload.stderr.tty}); otherwise the JVM's console decides.
   */
  public static Logging start(String prog, String[] args, PrintStream stderr) {
    String tty = System.getProperty("kldload.stderr.tty");
    boolean terminal = tty != null ? Boolean.parseBoolean(tty) : System.console() != null;
    Logging logging = new Logging(tool(prog, args), terminal, stderr);
    logging.install();
    return logging;
  }

  /** A logging set-up not tied to a process's stderr (tests). */
  static Logging of(String prog, boolean terminal, PrintStream stderr, Path logDir) {
    Logging logging = new Logging(prog, terminal, stderr);
    logging.logDir = () -> logDir;
    return logging;
  }

  /** Makes this the set-up {@link LogConfigurator} reads. */
  void install() {
    current = this;
  }

  /** Where the process's own stderr lines go: stderr itself, teed into the log without a TTY. */
  public PrintStream stderr() {
    if (terminal) {
      return stderr;
    }
    return new PrintStream(new StderrTee(stderr, this::stderrLine), true, StandardCharsets.UTF_8);
  }

  /**
   * The tool a run is logged as: the name it was invoked by, or for {@code kldload TOOL …} the
   * first word that is not an option or a root option's value.
   */
  static String tool(String prog, String... args) {
    String name = prog.substring(prog.lastIndexOf('/') + 1);
    if (!name.equals("kldload")) {
      return name.matches("[a-z][a-z0-9-]*") ? name : "kldload";
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--color") || arg.equals("--state-dir") || arg.equals("--config")) {
        i++;
      } else if (arg.equals("--")) {
        break;
      } else if (!arg.startsWith("-")) {
        return arg.matches("[a-z][a-z0-9-]*") ? arg : name;
      }
    }
    return name;
  }

  /** Takes the verbosity flags and the configured log directory from this invocation. */
  public void attach(Cli cli) {
    verbosity = cli::verbosity;
    logDir = () -> Path.of(cli.config().require(ConfigKey.LOG_DIR));
  }

  static Logging current() {
    return current;
  }

  String prog() {
    return prog;
  }

  boolean toFile() {
    return !terminal;
  }

  /** The real stderr, for library log lines (already on their way to the file). */
  PrintStream rawStderr() {
    return stderr;
  }

  int verbosity() {
    return verbosity.getAsInt();
  }

  /** The configured directory; the environment's or the default when the configuration fails. */
  Path logDir() {
    try {
      return logDir.get();
    } catch (RuntimeException e) {
      return logDirFromEnvironment();
    }
  }

  private static Path logDirFromEnvironment() {
    String env = System.getenv(ConfigKey.LOG_DIR.environmentName());
    return Path.of(
        env != null && !env.isBlank() ? env : ConfigKey.LOG_DIR.defaultValue().orElseThrow());
  }

  /** Name of the logger that carries stderr's lines (to the file only: they are on stderr). */
  static String stderrLoggerName(String prog) {
    return "kldload.stderr." + prog;
  }

  private synchronized void stderrLine(String line) {
    if (redactor == null) {
      redactor = new Redactor();
    }
    String clean = redactor.redactLine(line);
    if (clean == null) {
      return;
    }
    Logger log = stderrLog;
    if (log == null) {
      log = LoggerFactory.getLogger(stderrLoggerName(prog));
      stderrLog = log;
    }
    if (line.startsWith("error:")) {
      log.error(clean);
    } else if (line.startsWith("warning:")) {
      log.warn(clean);
    } else {
      log.info(clean);
    }
  }
}
