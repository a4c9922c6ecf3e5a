package dev.kldload.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;

/**
 * Logback's configuration, in code: found by Logback through {@code META-INF/services} when the
 * first logger is asked for, and the only configurator that runs (no logback.xml is searched for).
 * Reads the process's settings from {@link Logging}.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  /** Size at which a tool's log file is rotated, and how many old ones are kept. */
  static final FileSize MAX_SIZE = FileSize.valueOf("10MB");

  static final int KEEP = 5;

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    Logging logging = Logging.current();
    int verbosity = logging.verbosity();
    Level shown = shown(verbosity);
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();

    HumanAppender human = new HumanAppender(logging.rawStderr(), shown, verbosity >= 2);
    human.setContext(context);
    human.setName("stderr");
    human.start();
    root.addAppender(human);

    ch.qos.logback.classic.Logger stderrLines =
        context.getLogger(Logging.stderrLoggerName(logging.prog()));
    stderrLines.setAdditive(false);
    Level level = shown;
    if (logging.toFile()) {
      RollingFileAppender<ILoggingEvent> file = fileAppender(context, logging);
      if (file != null) {
        root.addAppender(file);
        stderrLines.addAppender(file);
        level = shown.isGreaterOrEqual(Level.INFO) ? Level.INFO : shown;
      }
    }
    root.setLevel(level);
    stderrLines.setLevel(Level.INFO);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** -q errors, default warnings, -v info, -vv debug, -vvv trace. */
  static Level shown(int verbosity) {
    return switch (verbosity) {
      case -1 -> Level.ERROR;
      case 0 -> Level.WARN;
      case 1 -> Level.INFO;
      case 2 -> Level.DEBUG;
      default -> verbosity < 0 ? Level.ERROR : Level.TRACE;
    };
  }

  private static RollingFileAppender<ILoggingEvent> fileAppender(
      LoggerContext context, Logging logging) {
    Path dir = logging.logDir();
    Path log = dir.resolve(logging.prog() + ".log");
    try {
      Files.createDirectories(dir);
    } catch (IOException | SecurityException e) {
      return null;
    }
    if (!Files.isWritable(dir) || Files.exists(log) && !Files.isWritable(log)) {
      return null;
    }
    RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
    file.setContext(context);
    file.setName("file");
    file.setFile(log.toString());
    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(context);
    rolling.setParent(file);
    rolling.setFileNamePattern(log + ".%i");
    rolling.setMinIndex(1);
    rolling.setMaxIndex(KEEP);
    rolling.start();
    SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(context);
    trigger.setMaxFileSize(MAX_SIZE);
    trigger.start();
    file.setRollingPolicy(rolling);
    file.setTriggeringPolicy(trigger);
    FileLayout layout = new FileLayout(logging.prog());
    layout.setContext(context);
    layout.start();
    ch.qos.logback.core.encoder.LayoutWrappingEncoder<ILoggingEvent> encoder =
        new ch.qos.logback.core.encoder.LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    file.setEncoder(encoder);
    file.start();
    if (!file.isStarted()) {
      return null;
    }
    try {
      Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r-----"));
    } catch (IOException | UnsupportedOperationException e) {
      // a file we could open but do not own keeps its mode
    }
    return file;
  }

  /** Library log lines on stderr, in the suite's style: {@code warning: message}. */
  static final class HumanAppender extends AppenderBase<ILoggingEvent> {
    private final PrintStream out;
    private final Level threshold;
    private final boolean detail;

    HumanAppender(PrintStream out, Level threshold, boolean detail) {
      this.out = out;
      this.threshold = threshold;
      this.detail = detail;
    }

    @Override
    protected void append(ILoggingEvent event) {
      if (!event.getLevel().isGreaterOrEqual(threshold)) {
        return;
      }
      StringBuilder line = new StringBuilder();
      line.append(FileLayout.word(event.getLevel())).append(": ");
      line.append(Redactor.redact(event.getFormattedMessage()));
      if (detail) {
        line.append(" [").append(event.getLoggerName()).append(']');
        FileLayout.appendThrowable(line, event.getThrowableProxy());
      }
      out.println(line);
      out.flush();
    }
  }
}
