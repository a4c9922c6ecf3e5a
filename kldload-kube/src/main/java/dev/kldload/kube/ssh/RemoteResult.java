package dev.kldload.kube.ssh;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ShellQuote;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What a remote command left: its exit status and captured output (empty when the output was
 * streamed to the caller instead).
 */
public record RemoteResult(
    SshTarget target,
    List<String> argv,
    int exitStatus,
    String stdout,
    String stderr,
    Duration elapsed) {

  public RemoteResult {
    argv = List.copyOf(argv);
  }

  public boolean ok() {
    return exitStatus == 0;
  }

  /**
   * Returns this result when the command exited 0; otherwise fails naming node, program, stderr.
   */
  public RemoteResult check() {
    if (!ok()) {
      throw new KldloadException(
          ErrorKind.FAILED,
          "on "
              + target.node()
              + ": "
              + argv.get(0)
              + " exited "
              + exitStatus
              + (errorTail().isEmpty() ? "" : ": " + errorTail()),
          "the command was: " + ShellQuote.join(argv));
    }
    return this;
  }

  /** The last lines of stderr (or stdout when stderr is empty), for error messages. */
  public String errorTail() {
    String text = stderr.isBlank() ? stdout : stderr;
    String[] lines = text.strip().split("\n");
    int from = Math.max(0, lines.length - 3);
    return String.join(" | ", Arrays.copyOfRange(lines, from, lines.length)).strip();
  }
}
