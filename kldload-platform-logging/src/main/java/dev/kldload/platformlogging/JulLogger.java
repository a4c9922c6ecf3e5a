package dev.kldload.platformlogging;

import java.util.ResourceBundle;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A {@link System.Logger} writing to one {@code java.util.logging} logger. Records name the class
 * that called the platform logger as their source, not this class.
 */
final class JulLogger implements System.Logger {
  private static final StackWalker WALKER = StackWalker.getInstance();

  private final Logger jul;

  JulLogger(Logger jul) {
    this.jul = jul;
  }

  @Override
  public String getName() {
    return jul.getName();
  }

  @Override
  public boolean isLoggable(Level level) {
    return jul.isLoggable(Levels.toJul(level));
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    LogRecord record = record(level, bundle, msg);
    if (record != null) {
      record.setThrown(thrown);
      jul.log(record);
    }
  }

  @Override
  public void log(
      System.Logger.Level level, ResourceBundle bundle, String format, Object... params) {
    LogRecord record = record(level, bundle, format);
    if (record != null) {
      // java.util.logging formats the parameters as System.Logger specifies: with MessageFormat
      record.setParameters(params);
      jul.log(record);
    }
  }

  private LogRecord record(Level level, ResourceBundle bundle, String msg) {
    var julLevel = Levels.toJul(level);
    if (!jul.isLoggable(julLevel)) {
      return null;
    }
    LogRecord record = new LogRecord(julLevel, msg);
    record.setLoggerName(jul.getName());
    if (bundle != null) {
      record.setResourceBundle(bundle);
      record.setResourceBundleName(bundle.getBaseBundleName());
    }
    WALKER
        .walk(frames -> frames.filter(f -> !isLoggingFrame(f.getClassName())).findFirst())
        .ifPresent(
            caller -> {
              record.setSourceClassName(caller.getClassName());
              record.setSourceMethodName(caller.getMethodName());
            });
    return record;
  }

  /** This class, System.Logger's default methods, and the JDK's lazy platform-logger wrappers. */
  private static boolean isLoggingFrame(String className) {
    return className.equals(JulLogger.class.getName())
        || className.startsWith("java.lang.System$Logger")
        || className.startsWith("jdk.internal.logger.")
        || className.startsWith("sun.util.logging.");
  }
}
