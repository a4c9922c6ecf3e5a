package dev.kldload.platformlogging;

import java.lang.System.Logger;
import java.util.logging.Level;

/** System.Logger's levels as the JDK's default platform logging maps them to java.util.logging. */
final class Levels {
  private Levels() {}

  static Level toJul(Logger.Level level) {
    return switch (level) {
      case ALL -> Level.ALL;
      case TRACE -> Level.FINER;
      case DEBUG -> Level.FINE;
      case INFO -> Level.INFO;
      case WARNING -> Level.WARNING;
      case ERROR -> Level.SEVERE;
      case OFF -> Level.OFF;
    };
  }
}
