package dev.kldload.kube.ssh;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Runs commands on nodes and moves files to and from them. Commands are argument lists: the adapter
 * quotes them with the one vetted function ({@link dev.kldload.core.process.ShellQuote}) because
 * the remote side runs a shell. Implementations authenticate with keys only and refuse any host
 * whose key is not pinned.
 *
 * <p>Failures are {@link dev.kldload.core.KldloadException}s: host key unknown or changed and
 * authentication refused → PERMISSION (6); unreachable → UNAVAILABLE (7); a command past its
 * timeout → TIMEOUT (8). A command that runs and exits non-zero is not a failure here: the caller
 * reads {@link RemoteResult#exitStatus()} or calls {@link RemoteResult#check()}.
 */
public interface RemoteShell extends AutoCloseable {

  /** Runs {@code argv} and captures stdout and stderr. */
  default RemoteResult run(SshTarget target, List<String> argv, Duration timeout) {
    return run(target, argv, timeout, Optional.empty(), Optional.empty());
  }

  /**
   * Runs {@code argv} with optional standard input (the remote side always sees end-of-file after
   * it) and, when {@code stream} is given, copies stdout and stderr there as they arrive instead of
   * capturing them.
   */
  RemoteResult run(
      SshTarget target,
      List<String> argv,
      Duration timeout,
      Optional<byte[]> stdin,
      Optional<Streams> stream);

  /**
   * Writes {@code content} to {@code remotePath} with permission bits {@code mode} (e.g. 0600). The
   * file never exists with other bits or partial content: it is written under a temporary name
   * whose mode is set first, then renamed into place.
   */
  void upload(SshTarget target, byte[] content, String remotePath, int mode);

  /** Copies {@code remotePath} to {@code localFile} (created 0600, replaced atomically). */
  void download(SshTarget target, String remotePath, Path localFile);

  /** The permission bits of a remote file, or empty when it does not exist. */
  Optional<Integer> mode(SshTarget target, String remotePath);

  /** Closes every connection this shell opened. */
  @Override
  void close();

  /** Where streamed output goes. */
  record Streams(OutputStream stdout, OutputStream stderr) {}
}
