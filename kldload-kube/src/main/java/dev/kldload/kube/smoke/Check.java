package dev.kldload.kube.smoke;

import java.util.regex.Pattern;

/**
 * One named, time-boxed check of the catalogue. The id is stable (scripts select and skip by it):
 * lower case, dot separated, starting with its section's id.
 */
public record Check(String id, Section section, Severity severity, String title, Probe probe) {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]*");

  /** What the check does; it may block, and is interrupted when its deadline passes. */
  @FunctionalInterface
  public interface Probe {
    Verdict run(SmokeContext context) throws Exception;
  }

  public Check {
    if (!ID.matcher(id).matches() || !id.startsWith(section.id() + ".")) {
      throw new IllegalArgumentException("check id " + id + " must start with " + section.id());
    }
  }

  /** The outcome word for a verdict of this check. */
  public Outcome outcome(Verdict verdict) {
    return switch (verdict.kind()) {
      case PASS -> Outcome.PASS;
      case SKIP -> Outcome.SKIP;
      case WARN -> Outcome.WARN;
      case PROBLEM -> severity == Severity.CRITICAL ? Outcome.FAIL : Outcome.WARN;
    };
  }
}
