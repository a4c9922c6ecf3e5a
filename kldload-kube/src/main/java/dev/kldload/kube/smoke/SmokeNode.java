package dev.kldload.kube.smoke;

import dev.kldload.core.process.ProcessResult;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the smoke test reads on the machine it runs on: files (under /proc, /sys, /etc, /run…),
 * directory listings, programs on PATH and read-only commands. Nothing here changes the machine
 * except {@link #fix}, which only {@code --fix} calls. Paths are absolute node paths.
 */
public interface SmokeNode {

  /** The file's text; empty when it does not exist or is not a readable regular file. */
  Optional<String> read(String path);

  /** Whether anything (file, directory, socket) exists at the path. */
  boolean exists(String path);

  /** The names in a directory, sorted; empty when it does not exist. */
  List<String> list(String directory);

  /** Whether the program is installed (on PATH). */
  boolean has(String program);

  /**
   * Runs a read-only command; empty when its program is not installed. A non-zero exit is a result,
   * not an exception.
   */
  Optional<ProcessResult> run(List<String> argv, Duration timeout);

  /** Runs a command that changes the machine ({@code modprobe}, {@code sysctl -w}). */
  ProcessResult fix(List<String> argv, Duration timeout);

  /** An HTTP answer: status and body. */
  record HttpReply(int status, String body) {}

  /**
   * GETs a URL on this machine's loopback (metrics endpoints); any other host is refused with
   * {@link IllegalArgumentException}, so the smoke test never reaches beyond the node.
   *
   * @throws dev.kldload.core.KldloadException UNAVAILABLE when nothing answers (connection refused,
   *     timed out)
   */
  HttpReply get(URI loopbackUrl, Duration timeout);

  /** Whether {@code url} names this machine's loopback (127.0.0.0/8 or ::1), never a name. */
  static boolean isLoopback(URI url) {
    String host = url.getHost();
    if (host == null) {
      return false;
    }
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return bare.matches("127(\\.\\d{1,3}){3}") || bare.equals("::1");
  }
}
