package dev.kldload.cli.kube.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.value.HostName;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kube.ssh.SshTarget;
import dev.kldload.kube.ssh.jsch.JschRemoteShell;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a node that does not answer looks like: the real adapter against a loopback port where
 * nothing listens, and the fake the unit tests use, both fail every call with UNAVAILABLE (exit 7).
 */
class UnreachableShellContractTest {
  @TempDir static Path dir;

  static Stream<RemoteShell> shells() throws Exception {
    Path key = dir.resolve("id_ed25519");
    new SystemProcessRunner()
        .check(
            ProcessSpec.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .build());
    // a node whose key is pinned, so the adapter goes as far as connecting
    KnownHosts known = KnownHosts.at(dir.resolve("known_hosts"));
    known.pin(HostName.of("w-1"), Files.readString(dir.resolve("id_ed25519.pub")));
    return Stream.of(
        new JschRemoteShell(key, known, Duration.ofSeconds(5)), new UnreachableShell());
  }

  @ParameterizedTest
  @MethodSource("shells")
  @DisplayName("run, upload and mode on a node that does not answer are UNAVAILABLE")
  void unavailable(RemoteShell shell) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    SshTarget target = new SshTarget(HostName.of("w-1"), "127.0.0.1", port, "root");
    try (shell) {
      assertThatThrownBy(() -> shell.run(target, List.of("true"), Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertKind(e, ErrorKind.UNAVAILABLE));
      assertThatThrownBy(() -> shell.upload(target, new byte[] {1}, "/tmp/x", 0600))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertKind(e, ErrorKind.UNAVAILABLE));
      assertThatThrownBy(() -> shell.mode(target, "/tmp/x"))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertKind(e, ErrorKind.UNAVAILABLE));
    }
  }

  private static void assertKind(KldloadException e, ErrorKind kind) {
    assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
  }
}
