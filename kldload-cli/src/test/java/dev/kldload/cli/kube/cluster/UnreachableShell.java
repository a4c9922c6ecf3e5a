package dev.kldload.cli.kube.cluster;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.kube.ssh.RemoteResult;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kube.ssh.SshTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SSH to nodes that do not answer, as {@link dev.kldload.kube.ssh.jsch.JschRemoteShell} sees them
 * (UNAVAILABLE on every call; {@link UnreachableShellContractTest} holds both to it). Unit tests
 * use it so no test sends a packet to a node's private address.
 */
final class UnreachableShell implements RemoteShell {
  final AtomicInteger calls = new AtomicInteger();

  private KldloadException refused(SshTarget target) {
    calls.incrementAndGet();
    return new KldloadException(
        ErrorKind.UNAVAILABLE,
        "ssh " + target.display() + ": connection refused",
        "is the node up?");
  }

  @Override
  public RemoteResult run(
      SshTarget target,
      List<String> argv,
      Duration timeout,
      Optional<byte[]> stdin,
      Optional<Streams> stream) {
    throw refused(target);
  }

  @Override
  public void upload(SshTarget target, byte[] content, String remotePath, int mode) {
    throw refused(target);
  }

  @Override
  public void download(SshTarget target, String remotePath, Path localFile) {
    throw refused(target);
  }

  @Override
  public Optional<Integer> mode(SshTarget target, String remotePath) {
    throw refused(target);
  }

  @Override
  public void close() {}
}
