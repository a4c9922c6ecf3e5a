package dev.kldload.kube.smoke;

import dev.kldload.core.KldloadException;
import java.nio.file.Path;
import java.util.Locale;

/** The smoke test's output formats; {@code --report FILE} picks one by the file's extension. */
public enum ReportFormat {
  TABLE,
  JSON,
  JUNIT,
  TAP;

  public static ReportFormat parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw KldloadException.invalid(
          "output format '" + text + "' is not known", "use table, json, junit or tap");
    }
  }

  /** {@code .xml} JUnit, {@code .tap} TAP, {@code .json} JSON; anything else is a usage error. */
  public static ReportFormat byExtension(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".xml")) {
      return JUNIT;
    }
    if (name.endsWith(".tap")) {
      return TAP;
    }
    if (name.endsWith(".json")) {
      return JSON;
    }
    throw KldloadException.invalid(
        "report file " + file + " has no known extension",
        "name it .xml (JUnit), .tap (TAP) or .json");
  }
}
