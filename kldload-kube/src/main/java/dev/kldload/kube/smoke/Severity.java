package dev.kldload.kube.smoke;

import java.util.Locale;

/**
 * What a problem found by a check means: a critical one fails the run (FAIL, exit 1), a warning one
 * is reported (WARN) and fails the run only under {@code --strict} (exit 3).
 */
public enum Severity {
  CRITICAL,
  WARNING;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
