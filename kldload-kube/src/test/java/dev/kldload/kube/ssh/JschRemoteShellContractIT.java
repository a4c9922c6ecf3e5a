package dev.kldload.kube.ssh;

import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.HostName;
import dev.kldload.kube.ssh.jsch.JschRemoteShell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The JSch adapter against the shared contract, with OpenSSH on 127.0.0.1. */
class JschRemoteShellContractIT extends RemoteShellContract {
  @Override
  protected Fixture start(Path dir) throws Exception {
    Requirements.require(
        Files.isExecutable(OpenSshServer.SSHD), "needs /usr/sbin/sshd (openssh-server)");
    Requirements.require(Requirements.onPath("ssh-keygen"), "needs ssh-keygen (openssh-client)");
    Requirements.require(Requirements.isRoot(), "sshd as a test fixture runs as root");
    OpenSshServer sshd = OpenSshServer.start(dir);
    return new Fixture() {
      @Override
      public RemoteShell shell(KnownHosts pins) {
        return new JschRemoteShell(sshd.clientKey, pins, Duration.ofSeconds(10));
      }

      @Override
      public SshTarget target(String node) {
        return sshd.target(node);
      }

      @Override
      public String hostPublicKey() {
        try {
          return sshd.hostPublicKey();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public String otherPublicKey() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        OpenSshServer.keygen(other.resolve("impostor"));
        return Files.readString(other.resolve("impostor.pub"));
      }

      @Override
      public SshTarget nobody(String node) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
          port = socket.getLocalPort();
        }
        return new SshTarget(HostName.of(node), "127.0.0.1", port, System.getProperty("user.name"));
      }

      @Override
      public void close() {
        sshd.close();
      }
    };
  }
}
