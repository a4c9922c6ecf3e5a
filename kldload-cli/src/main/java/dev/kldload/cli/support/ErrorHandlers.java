package dev.kldload.cli.support;

import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import java.io.PrintWriter;
import java.util.LinkedList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The two error paths. Execution: one {@code error:} line naming the object, one {@code hint:}
 * line, the stack trace only with {@code -vv}. Parameters: picocli's message, "did you mean", and
 * where to find help; exit 2 either way for bad input.
 */
public final class ErrorHandlers {
  private ErrorHandlers() {}

  /** Handles failures thrown by a command's {@code call()}. */
  public static final class Execution implements IExecutionExceptionHandler {
    private final Cli cli;

    public Execution(Cli cli) {
      this.cli = cli;
    }

    @Override
    public int handleExecutionException(
        Exception ex, CommandLine commandLine, ParseResult parseResult) {
      PrintWriter err = commandLine.getErr();
      String tool = commandLine.getCommandName();
      if (ex instanceof KldloadException k) {
        err.println("error: " + printable(prefixed(tool, k.getMessage())));
        k.hint().ifPresent(h -> err.println("hint: " + printable(h)));
        if (cli.verbosity() >= 2) {
          err.print(stackTrace(ex));
        }
        err.flush();
        return k.exitCode().code();
      }
      if (ex instanceof ParameterException p) {
        return new Parameters().handleParseException(p, new String[0]);
      }
      err.println(
          "error: "
              + tool
              + ": unexpected "
              + ex.getClass().getSimpleName()
              + ": "
              + printable(String.valueOf(ex.getMessage())));
      if (cli.verbosity() >= 2) {
        err.print(stackTrace(ex));
      } else {
        err.println("hint: re-run with -vv for the stack trace, and report it");
      }
      err.flush();
      return ExitCode.FAILED.code();
    }

    private static String prefixed(String tool, String message) {
      return message.startsWith(tool + " ") || message.startsWith(tool + ":")
          ? message
          : tool + ": " + message;
    }
  }

  /**
   * An error line as the terminal may show it: whatever the user typed is echoed in messages, so
   * control characters (ESC sequences, newlines, C1 codes) and bidi overrides (U+202E makes the
   * rest of a line read backwards) are written as escapes instead of being obeyed. The one place
   * every echoed value passes, whichever option or parameter it came from.
   */
  public static String printable(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        sb.append(String.format("\\x%02x", (int) c));
      } else if (isBidiControl(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean isBidiControl(char c) {
    return c == 0x061c
        || c == 0x200e
        || c == 0x200f
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
  }

  /** The stack trace with causes, for -vv. */
  static String stackTrace(Throwable ex) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = ex; t != null; t = t.getCause()) {
      sb.append(t == ex ? "" : "caused by: ").append(t).append('\n');
      for (StackTraceElement frame : t.getStackTrace()) {
        sb.append("    at ").append(frame).append('\n');
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
  }

  /** Handles unknown options, missing parameters and invalid values. */
  public static final class Parameters implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter err = cmd.getErr();
      Throwable cause = ex.getCause();
      String message = cause instanceof KldloadException k ? k.getMessage() : ex.getMessage();
      // "kvm-clone --bogus" should complain about --bogus, not about the missing operand after it
      if (ex instanceof CommandLine.MissingParameterException) {
        Optional<String> unknown = unknownOption(cmd.getCommandSpec(), args);
        if (unknown.isPresent()) {
          message = "Unknown option: '" + unknown.get() + "'";
        }
      }
      err.println("error: " + cmd.getCommandName() + ": " + printable(message));
      if (cause instanceof KldloadException k && k.hint().isPresent()) {
        err.println("hint: " + printable(k.hint().get()));
      }
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
        List<String> names = fullName(cmd);
        err.println("see '" + String.join(" ", names) + " --help'");
      }
      err.flush();
      return ExitCode.USAGE.code();
    }

    /** The first argument that looks like an option this command does not have. */
    static Optional<String> unknownOption(CommandLine.Model.CommandSpec spec, String[] args) {
      for (String arg : args) {
        if (arg.equals("--")) {
          break;
        }
        if (!arg.startsWith("-") || arg.length() < 2 || Character.isDigit(arg.charAt(1))) {
          continue;
        }
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        boolean clustered =
            !name.startsWith("--")
                && name.chars().skip(1).allMatch(c -> spec.findOption((char) c) != null);
        if (spec.findOption(name) == null && !clustered) {
          return Optional.of(name);
        }
      }
      return Optional.empty();
    }

    private static List<String> fullName(CommandLine cmd) {
      LinkedList<String> names = new LinkedList<>();
      for (CommandLine c = cmd; c != null; c = c.getParent()) {
        names.addFirst(c.getCommandName());
      }
      return names;
    }
  }
}
