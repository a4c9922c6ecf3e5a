package dev.kldload.kube.smoke.remote;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.kube.smoke.SmokeNode;
import dev.kldload.kube.smoke.Verdict;
import dev.kldload.kube.ssh.RemoteResult;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kube.ssh.SshTarget;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link SmokeNode} on a cluster node over SSH: every read is a small command whose operands are
 * positional arguments of a fixed script, never spliced into it. Loopback GETs go through bash's
 * {@code /dev/tcp} (bash is essential on Debian), so a node needs no HTTP client. Failures to reach
 * the node surface as the shell's {@link KldloadException}s (UNAVAILABLE, PERMISSION, TIMEOUT),
 * which the runner turns into failed checks.
 */
public final class RemoteSmokeNode implements SmokeNode {
  private static final long MAX_READ = 4L << 20;
  private static final String READ =
      "test -f \"$1\" && test -r \"$1\" && exec head -c " + MAX_READ + " -- \"$1\"";
  private static final String LIST =
      "test -d \"$1\" && exec find -H \"$1\" -mindepth 1 -maxdepth 1 -printf '%f\\0'";
  private static final String HAS = "command -v -- \"$1\" >/dev/null";
  // HTTP/1.0 so the answer is never chunked and the server closes when done
  private static final String GET =
      "exec 3<>\"/dev/tcp/$1/$2\" || exit 7\n"
          + "printf 'GET %s HTTP/1.0\\r\\nHost: %s:%s\\r\\nConnection: close\\r\\n\\r\\n'"
          + " \"$3\" \"$1\" \"$2\" >&3\n"
          + "exec cat <&3";
  private static final Pattern STATUS = Pattern.compile("HTTP/\\d\\.\\d (\\d{3})(?: .*)?");

  private final RemoteShell shell;
  private final SshTarget target;
  private final Duration timeout;

  /**
   * @param timeout the deadline of each read (file, listing, look-up); commands carry their own
   */
  public RemoteSmokeNode(RemoteShell shell, SshTarget target, Duration timeout) {
    this.shell = shell;
    this.target = target;
    this.timeout = timeout;
  }

  public SshTarget target() {
    return target;
  }

  private static String absolute(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute node path: " + path);
    }
    return path;
  }

  private RemoteResult script(String script, Duration deadline, String... operands) {
    List<String> argv = new ArrayList<>(List.of("sh", "-c", script, "sh"));
    argv.addAll(Arrays.asList(operands));
    return shell.run(target, argv, deadline);
  }

  @Override
  public Optional<String> read(String path) {
    RemoteResult r = script(READ, timeout, absolute(path));
    return r.ok() ? Optional.of(r.stdout()) : Optional.empty();
  }

  @Override
  public boolean exists(String path) {
    return shell.run(target, List.of("test", "-e", absolute(path)), timeout).ok();
  }

  @Override
  public List<String> list(String directory) {
    RemoteResult r = script(LIST, timeout, absolute(directory));
    if (!r.ok() || r.stdout().isEmpty()) {
      return List.of();
    }
    return Arrays.stream(r.stdout().split("\0")).filter(s -> !s.isEmpty()).sorted().toList();
  }

  @Override
  public boolean has(String program) {
    return script(HAS, timeout, program).ok();
  }

  @Override
  public Optional<ProcessResult> run(List<String> argv, Duration deadline) {
    if (!has(argv.get(0))) {
      return Optional.empty();
    }
    return Optional.of(result(argv, shell.run(target, argv, deadline), true));
  }

  @Override
  public ProcessResult fix(List<String> argv, Duration deadline) {
    return result(argv, shell.run(target, argv, deadline), false);
  }

  private static ProcessResult result(List<String> argv, RemoteResult r, boolean readOnly) {
    ProcessSpec.Builder spec = ProcessSpec.of(argv);
    if (readOnly) {
      spec.readOnly();
    }
    return new ProcessResult(spec.build(), r.exitStatus(), r.stdout(), r.stderr(), r.elapsed());
  }

  @Override
  public HttpReply get(URI loopbackUrl, Duration deadline) {
    if (!SmokeNode.isLoopback(loopbackUrl)) {
      throw new IllegalArgumentException("not a loopback URL: " + loopbackUrl);
    }
    String host = loopbackUrl.getHost().replace("[", "").replace("]", "");
    int port = loopbackUrl.getPort() == -1 ? 80 : loopbackUrl.getPort();
    String path =
        (loopbackUrl.getRawPath() == null || loopbackUrl.getRawPath().isEmpty()
                ? "/"
                : loopbackUrl.getRawPath())
            + (loopbackUrl.getRawQuery() == null ? "" : "?" + loopbackUrl.getRawQuery());
    RemoteResult r =
        shell.run(
            target,
            List.of("bash", "-c", GET, "bash", host, Integer.toString(port), path),
            deadline);
    int split = r.stdout().indexOf("\r\n\r\n");
    if (!r.ok() || split < 0) {
      String why = r.stderr().isBlank() ? "exit " + r.exitStatus() : r.stderr();
      throw new KldloadException(
          ErrorKind.UNAVAILABLE,
          "GET " + loopbackUrl + ": on " + target.node() + ": " + Verdict.oneLine(why),
          null);
    }
    String statusLine = r.stdout().lines().findFirst().orElse("");
    Matcher m = STATUS.matcher(statusLine);
    if (!m.matches()) {
      throw new KldloadException(
          ErrorKind.UNAVAILABLE,
          "GET " + loopbackUrl + ": on " + target.node() + ": not an HTTP answer: " + statusLine,
          null);
    }
    return new HttpReply(Integer.parseInt(m.group(1)), r.stdout().substring(split + 4));
  }
}
