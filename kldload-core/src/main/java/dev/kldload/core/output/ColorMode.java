package dev.kldload.core.output;

import java.util.Locale;

/** {@code --color=auto|always|never}. */
public enum ColorMode {
  AUTO,
  ALWAYS,
  NEVER;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
