package dev.kldload.core.value;

import dev.kldload.core.KldloadException;
import java.util.regex.Pattern;

/** Shared validation of the simple names used for VMs, clusters and hosts. */
final class Names {
  /**
   * Letters, digits, dot, underscore, hyphen; starts with a letter or digit; at most 63 characters.
   */
  static final Pattern SIMPLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private Names() {}

  static String requireSimple(String kind, String value) {
    if (value == null || value.isEmpty()) {
      throw KldloadException.invalid(kind + " name is empty", "give a name such as 'web01'");
    }
    if (!SIMPLE.matcher(value).matches() || value.contains("..")) {
      throw KldloadException.invalid(
          kind + " name '" + printable(value) + "' is not valid",
          "use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return value;
  }

  /**
   * Renders user input safely inside an error message (control characters escaped, long input cut).
   */
  static String printable(String value) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length() && sb.length() < 80; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (value.length() > 80) {
      sb.append("…(").append(value.length()).append(" characters)");
    }
    return sb.toString();
  }
}
