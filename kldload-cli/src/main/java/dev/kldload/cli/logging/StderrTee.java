package dev.kldload.cli.logging;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * stderr that also hands each complete line to the log file: what the operator of an interactive
 * run would have read, with a time and a pid, for runs nobody watches. Bytes go to the real stderr
 * first and unchanged; the log gets redacted lines.
 */
final class StderrTee extends OutputStream {
  private final PrintStream target;
  private final Consumer<String> lines;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256);
  private final ThreadLocal<Boolean> inside = ThreadLocal.withInitial(() -> false);

  StderrTee(PrintStream target, Consumer<String> lines) {
    this.target = target;
    this.lines = lines;
  }

  @Override
  public synchronized void write(int b) {
    target.write(b);
    take(b);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    target.write(b, off, len);
    for (int i = off; i < off + len; i++) {
      take(b[i]);
    }
  }

  @Override
  public void flush() {
    target.flush();
  }

  private void take(int b) {
    if (b != '\n') {
      pending.write(b);
      return;
    }
    String line = pending.toString(StandardCharsets.UTF_8);
    pending.reset();
    // the log itself may write to stderr (logback's own errors): never feed that back
    if (inside.get() || line.isBlank()) {
      return;
    }
    inside.set(true);
    try {
      lines.accept(line);
    } finally {
      inside.set(false);
    }
  }
}
