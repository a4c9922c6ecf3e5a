package dev.kldload.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One line per event in a tool's log file: UTC time, {@code tool[pid]}, level, the logger (for
 * library lines) and the redacted message; stack traces follow, indented.
 *
 * <pre>2026-11-30T09:10:00.123Z ksnap[4242] INFO ksnap-auto: 3 steps done in 1.2 s</pre>
 */
final class FileLayout extends LayoutBase<ILoggingEvent> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final String prefix;
  private final String stderrLogger;

  FileLayout(String prog) {
    this.prefix = prog + "[" + ProcessHandle.current().pid() + "] ";
    this.stderrLogger = Logging.stderrLoggerName(prog);
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(128);
    line.append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ');
    line.append(prefix).append(event.getLevel()).append(' ');
    if (!event.getLoggerName().equals(stderrLogger)) {
      line.append(event.getLoggerName()).append(": ");
    }
    line.append(Redactor.redact(event.getFormattedMessage()));
    appendThrowable(line, event.getThrowableProxy());
    return line.append('\n').toString();
  }

  static String word(Level level) {
    return level == Level.WARN ? "warning" : level.toString().toLowerCase(Locale.ROOT);
  }

  static void appendThrowable(StringBuilder line, IThrowableProxy proxy) {
    for (IThrowableProxy t = proxy; t != null; t = t.getCause()) {
      line.append(t == proxy ? "\n    " : "\n    caused by: ");
      line.append(t.getClassName())
          .append(": ")
          .append(Redactor.redact(String.valueOf(t.getMessage())));
      for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
        line.append("\n        at ").append(frame.getStackTraceElement());
      }
    }
  }
}
