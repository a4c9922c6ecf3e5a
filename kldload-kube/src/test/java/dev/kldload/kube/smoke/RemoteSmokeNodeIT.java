package dev.kldload.kube.smoke;

import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.HostName;
import dev.kldload.kube.smoke.remote.RemoteSmokeNode;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kube.ssh.OpenSshServer;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kube.ssh.jsch.JschRemoteShell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH reader against the same contract as the host reader: OpenSSH on 127.0.0.1 is the node,
 * reached through the JSch shell with its host key pinned, and a real HTTP server on the node's
 * loopback answers the GET made through bash's {@code /dev/tcp}.
 */
class RemoteSmokeNodeIT extends LoopbackSmokeNodeContract {
  @TempDir static Path dir;
  private static OpenSshServer sshd;
  private static RemoteShell shell;
  private static SmokeNode node;

  @BeforeAll
  static void startNode() throws Exception {
    Requirements.require(
        Files.isExecutable(OpenSshServer.SSHD), "needs /usr/sbin/sshd (openssh-server)");
    Requirements.require(Requirements.onPath("ssh-keygen"), "needs ssh-keygen (openssh-client)");
    Requirements.require(Requirements.isRoot(), "sshd as a test fixture runs as root");
    sshd = OpenSshServer.start(dir.resolve("sshd"));
    KnownHosts pins = KnownHosts.at(dir.resolve("known_hosts"));
    pins.pin(HostName.of("node-1"), sshd.hostPublicKey());
    shell = new JschRemoteShell(sshd.clientKey, pins, Duration.ofSeconds(10));
    node = new RemoteSmokeNode(shell, sshd.target("node-1"), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stopNode() {
    if (shell != null) {
      shell.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  @Override
  SmokeNode node() {
    return node;
  }
}
