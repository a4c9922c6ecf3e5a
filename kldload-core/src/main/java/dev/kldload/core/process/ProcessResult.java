package dev.kldload.core.process;

import java.time.Duration;
import java.util.Arrays;

/** What a finished program left: its exit status, captured output and how long it ran. */
public record ProcessResult(
    ProcessSpec spec, int exitCode, String stdout, String stderr, Duration elapsed) {
  public boolean ok() {
    return exitCode == 0;
  }

  /** The last lines of stderr (or stdout when stderr is empty), for error messages. */
  public String errorTail() {
    String text = stderr.isBlank() ? stdout : stderr;
    String[] lines = text.strip().split("\n");
    int from = Math.max(0, lines.length - 3);
    return String.join(" | ", Arrays.copyOfRange(lines, from, lines.length)).strip();
  }
}
