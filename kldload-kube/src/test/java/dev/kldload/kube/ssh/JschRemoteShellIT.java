package dev.kldload.kube.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.HostName;
import dev.kldload.kube.ssh.jsch.JschRemoteShell;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSch adapter against a real OpenSSH server on 127.0.0.1 (Debian openssh-server). */
class JschRemoteShellIT {
  static final Duration T = Duration.ofSeconds(20);

  @TempDir static Path dir;
  static OpenSshServer sshd;
  static KnownHosts knownHosts;
  static JschRemoteShell shell;
  static SshTarget node;

  @BeforeAll
  static void startServer() throws Exception {
    Requirements.require(
        Files.isExecutable(OpenSshServer.SSHD), "needs /usr/sbin/sshd (openssh-server)");
    Requirements.require(Requirements.onPath("ssh-keygen"), "needs ssh-keygen (openssh-client)");
    Requirements.require(Requirements.isRoot(), "sshd as a test fixture runs as root");
    sshd = OpenSshServer.start(dir.resolve("sshd"));
    knownHosts = KnownHosts.at(dir.resolve("cluster/known_hosts"));
    knownHosts.pin(HostName.of("cp-1"), sshd.hostPublicKey());
    knownHosts.pin(HostName.of("w-1"), sshd.hostPublicKey());
    shell = new JschRemoteShell(sshd.clientKey, knownHosts, Duration.ofSeconds(10));
    node = sshd.target("cp-1");
  }

  @AfterAll
  static void stopServer() {
    if (shell != null) {
      shell.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  @Test
  @DisplayName("runs an argument list verbatim: quoting keeps metacharacters as data")
  void argvIsQuoted() {
    RemoteResult r =
        shell.run(node, List.of("printf", "%s|", "a b", "$(id)", "it's", ";rm -rf x", ""), T);
    assertThat(r.exitStatus()).isZero();
    assertThat(r.stdout()).isEqualTo("a b|$(id)|it's|;rm -rf x||");
  }

  @Test
  @DisplayName("reports the exit status and stderr of a failing command")
  void exitStatusAndStderr() {
    RemoteResult r = shell.run(node, List.of("sh", "-c", "echo out; echo oops >&2; exit 7"), T);
    assertThat(r.exitStatus()).isEqualTo(7);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("oops\n");
    assertThatThrownBy(r::check)
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining("on cp-1: sh exited 7: oops");
  }

  @Test
  @DisplayName("feeds stdin and streams output to the caller")
  void stdinAndStreaming() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    RemoteResult r =
        shell.run(
            node,
            List.of("sh", "-c", "tr a-z A-Z; echo done >&2"),
            T,
            Optional.of("hello\n".getBytes(StandardCharsets.UTF_8)),
            Optional.of(new RemoteShell.Streams(out, err)));
    assertThat(r.exitStatus()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("HELLO\n");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("done\n");
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  @DisplayName("a command past its timeout fails with TIMEOUT, and the connection stays usable")
  void timeout() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> shell.run(node, List.of("sleep", "30"), Duration.ofMillis(700)))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT))
        .hasMessageContaining("did not finish within 700ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(shell.run(node, List.of("true"), T).exitStatus()).isZero();
  }

  @Test
  @DisplayName("uploads with the requested mode and downloads the same bytes")
  void fileTransfer() throws Exception {
    Path remoteDir = dir.resolve("remote");
    Files.createDirectories(remoteDir);
    String remote = remoteDir.resolve("join-command.sh").toString();
    byte[] secret = "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef\n".getBytes();
    shell.upload(node, secret, remote, 0600);
    assertThat(shell.mode(node, remote)).contains(0600);
    assertThat(shell.run(node, List.of("stat", "-c", "%a", remote), T).check().stdout().strip())
        .isEqualTo("600");
    // replacing keeps the new mode and content, and leaves no temporary file behind
    shell.upload(node, "v2".getBytes(), remote, 0640);
    assertThat(shell.mode(node, remote)).contains(0640);
    try (var files = Files.list(remoteDir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("join-command.sh");
    }
    Path local = dir.resolve("local/copy");
    shell.download(node, remote, local);
    assertThat(Files.readString(local)).isEqualTo("v2");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local)))
        .isEqualTo("rw-------");
    assertThat(shell.mode(node, remoteDir.resolve("absent").toString())).isEmpty();
    assertThatThrownBy(() -> shell.download(node, remoteDir + "/absent", dir.resolve("x")))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }

  @Test
  @DisplayName("reuses one connection per node for many commands and transfers")
  void connectionReuse() throws Exception {
    try (JschRemoteShell own = new JschRemoteShell(sshd.clientKey, knownHosts, T)) {
      long before = sshd.acceptedLogins();
      for (int i = 0; i < 5; i++) {
        own.run(node, List.of("true"), T).check();
      }
      own.mode(node, "/etc/passwd");
      assertThat(own.openConnections()).isEqualTo(1);
      assertThat(sshd.acceptedLogins() - before).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("runs sessions to different nodes at the same time")
  void parallelNodes() throws Exception {
    Path meet = Files.createDirectories(dir.resolve("meet"));
    String a = meet.resolve("a").toString();
    String b = meet.resolve("b").toString();
    // each side waits for the other's mark: both finish only if they run concurrently
    String waitFor = "touch \"$1\"; while [ ! -e \"$2\" ]; do sleep 0.05; done";
    CompletableFuture<RemoteResult> first =
        CompletableFuture.supplyAsync(
            () -> shell.run(node, List.of("sh", "-c", waitFor, "sh", a, b), T));
    CompletableFuture<RemoteResult> second =
        CompletableFuture.supplyAsync(
            () -> shell.run(sshd.target("w-1"), List.of("sh", "-c", waitFor, "sh", b, a), T));
    assertThat(first.get().exitStatus()).isZero();
    assertThat(second.get().exitStatus()).isZero();
  }

  @Test
  @DisplayName("refuses a host whose key differs from the pinned one")
  void changedKeyRefused() throws Exception {
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    OpenSshServer.keygen(other.resolve("impostor"));
    KnownHosts wrong = KnownHosts.at(dir.resolve("wrong/known_hosts"));
    wrong.pin(HostName.of("cp-1"), Files.readString(other.resolve("impostor.pub")));
    try (JschRemoteShell s = new JschRemoteShell(sshd.clientKey, wrong, T)) {
      assertThatThrownBy(() -> s.run(node, List.of("true"), T))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION))
          .hasMessageContaining("host key does not match the key pinned in " + wrong.path());
    }
  }

  @Test
  @DisplayName("refuses a host with no pinned key, without connecting")
  void unknownHostRefused() throws Exception {
    long before = sshd.acceptedLogins();
    try (JschRemoteShell s = new JschRemoteShell(sshd.clientKey, knownHosts, T)) {
      assertThatThrownBy(() -> s.run(sshd.target("stranger"), List.of("true"), T))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION))
          .hasMessageContaining("no host key is pinned");
    }
    assertThat(sshd.acceptedLogins()).isEqualTo(before);
  }

  @Test
  @DisplayName("a key that is not authorised is refused with PERMISSION")
  void wrongClientKey() throws Exception {
    Path stranger = dir.resolve("stranger");
    Files.createDirectories(stranger);
    OpenSshServer.keygen(stranger.resolve("id"));
    try (JschRemoteShell s = new JschRemoteShell(stranger.resolve("id"), knownHosts, T)) {
      assertThatThrownBy(() -> s.run(node, List.of("true"), T))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION))
          .hasMessageContaining("key authentication refused");
    }
  }
}
