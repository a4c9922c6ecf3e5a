package dev.kldload.core.process;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The one vetted quoting function for POSIX shells. Used where a command line must become a string:
 * remote commands over SSH (the remote side runs a shell) and human-readable logs. Local programs
 * never go through a shell.
 */
public final class ShellQuote {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private ShellQuote() {}

  /** Quotes one argument so that a POSIX shell passes it through unchanged as one word. */
  public static String quote(String arg) {
    if (arg.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("argument contains a NUL byte");
    }
    if (!arg.isEmpty() && SAFE.matcher(arg).matches()) {
      return arg;
    }
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  /** Quotes each argument and joins them with spaces. */
  public static String join(List<String> argv) {
    StringBuilder sb = new StringBuilder();
    for (String arg : argv) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(quote(arg));
    }
    return sb.toString();
  }
}
