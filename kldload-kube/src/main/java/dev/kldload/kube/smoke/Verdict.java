package dev.kldload.kube.smoke;

import dev.kldload.core.ErrorKind;
import java.util.Optional;

/**
 * What a check found, before its severity is applied: it passed, found a problem (FAIL for a
 * critical check, WARN for a warning one), found something worth a warning only, or could not apply
 * here (SKIP, with the reason). {@code evidence} is one line: a version, a count, an address, or
 * the last line of an error.
 *
 * @param cause for a problem raised by an unreachable or hung dependency: its error kind, so the
 *     runner can tell "nothing answers" (exit 7) from "answered wrongly" (exit 1)
 */
public record Verdict(
    Kind kind, String evidence, Optional<String> hint, Optional<ErrorKind> cause) {

  /** The four things a check can find. */
  public enum Kind {
    PASS,
    PROBLEM,
    WARN,
    SKIP
  }

  public Verdict {
    evidence = oneLine(evidence);
  }

  public static Verdict pass(String evidence) {
    return new Verdict(Kind.PASS, evidence, Optional.empty(), Optional.empty());
  }

  public static Verdict problem(String evidence, String hint) {
    return new Verdict(Kind.PROBLEM, evidence, Optional.ofNullable(hint), Optional.empty());
  }

  public static Verdict warn(String evidence, String hint) {
    return new Verdict(Kind.WARN, evidence, Optional.ofNullable(hint), Optional.empty());
  }

  public static Verdict skip(String reason) {
    return new Verdict(Kind.SKIP, reason, Optional.empty(), Optional.empty());
  }

  public Verdict because(ErrorKind kind) {
    return new Verdict(this.kind, evidence, hint, Optional.of(kind));
  }

  /** Collapses any text to its last non-blank line, the part of an error worth reading. */
  public static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    String[] lines = text.strip().split("\\R");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!lines[i].isBlank()) {
        return lines[i].strip();
      }
    }
    return "";
  }
}
