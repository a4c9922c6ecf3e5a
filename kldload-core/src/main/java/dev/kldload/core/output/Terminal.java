package dev.kldload.core.output;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the process is attached to: whether stdout/stderr are terminals, and whether colour is
 * wanted ({@code --color}, then {@code NO_COLOR}, then the TTY check).
 */
public record Terminal(
    boolean stdoutTty, boolean stderrTty, ColorMode colorMode, boolean noColorEnv) {

  /**
   * Observes the real process: {@code /proc/self/fd/N} pointing at a tty device means a terminal.
   */
  public static Terminal detect(ColorMode mode, Map<String, String> env) {
    return new Terminal(isTty(1), isTty(2), mode, env.containsKey("NO_COLOR"));
  }

  /** Neither stream is a terminal; no colour. For tests and pipes. */
  public static Terminal dumb() {
    return new Terminal(false, false, ColorMode.NEVER, true);
  }

  private static boolean isTty(int fd) {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (Exception e) {
      return false;
    }
  }

  public boolean colorOnStderr() {
    return color(stderrTty);
  }

  public boolean colorOnStdout() {
    return color(stdoutTty);
  }

  private boolean color(boolean tty) {
    return switch (colorMode) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> tty && !noColorEnv;
    };
  }
}
