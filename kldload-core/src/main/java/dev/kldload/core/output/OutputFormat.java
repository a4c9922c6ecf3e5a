package dev.kldload.core.output;

import dev.kldload.core.KldloadException;
import java.util.Locale;

/** {@code -o table|json|yaml} on read commands. */
public enum OutputFormat {
  TABLE,
  JSON,
  YAML;

  public static OutputFormat parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw KldloadException.invalid(
          "output format '" + text + "' is not known", "use -o table, -o json or -o yaml");
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
