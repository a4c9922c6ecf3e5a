package dev.kldload.kube.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.HostName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link RemoteShell} must do; run against {@link InMemoryRemoteShell} and against the
 * JSch adapter with a real OpenSSH server on 127.0.0.1.
 */
public abstract class RemoteShellContract {
  static final Duration T = Duration.ofSeconds(20);

  /** One server answering as any node, and a way to make clients of it. */
  protected interface Fixture extends AutoCloseable {
    /** A client authenticating with the fixture's key, checking host keys against {@code pins}. */
    RemoteShell shell(KnownHosts pins);

    /** The server, reached as {@code node}. */
    SshTarget target(String node);

    /** The server's host public key ("ssh-ed25519 AAAA…"). */
    String hostPublicKey();

    /** Another valid host public key than the server's. */
    String otherPublicKey() throws Exception;

    /** An address where nothing answers, as {@code node}. */
    SshTarget nobody(String node) throws Exception;

    @Override
    void close();
  }

  protected abstract Fixture start(Path dir) throws Exception;

  @TempDir Path dir;
  Fixture fixture;
  KnownHosts pins;
  RemoteShell shell;

  @BeforeEach
  void open() throws Exception {
    fixture = start(dir.resolve("server"));
    pins = KnownHosts.at(dir.resolve("known_hosts"));
    pins.pin(HostName.of("cp-1"), fixture.hostPublicKey());
    shell = fixture.shell(pins);
  }

  @AfterEach
  void shut() {
    if (shell != null) {
      shell.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  @DisplayName("a pinned node runs a command: its exit status is reported, non-zero is no failure")
  void exitStatus() {
    SshTarget node = fixture.target("cp-1");
    assertThat(shell.run(node, List.of("true"), T).exitStatus()).isZero();
    RemoteResult failed = shell.run(node, List.of("false"), T);
    assertThat(failed.exitStatus()).isEqualTo(1);
    assertThatThrownBy(failed::check)
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining("cp-1")
        .hasMessageContaining("false exited 1");
  }

  @Test
  @DisplayName("a node with no pinned key is refused with PERMISSION")
  void unpinnedRefused() {
    assertThatThrownBy(() -> shell.run(fixture.target("stranger"), List.of("true"), T))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION))
        .hasMessageContaining("no host key is pinned");
  }

  @Test
  @DisplayName("a server presenting another key than the pinned one is refused with PERMISSION")
  void otherKeyRefused() throws Exception {
    KnownHosts wrong = KnownHosts.at(dir.resolve("wrong_known_hosts"));
    wrong.pin(HostName.of("cp-1"), fixture.otherPublicKey());
    try (RemoteShell other = fixture.shell(wrong)) {
      assertThatThrownBy(() -> other.run(fixture.target("cp-1"), List.of("true"), T))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION))
          .hasMessageContaining("host key does not match the key pinned in " + wrong.path());
    }
  }

  @Test
  @DisplayName("a pinned node where nothing answers is UNAVAILABLE")
  void nobodyThere() throws Exception {
    pins.pin(HostName.of("w-9"), fixture.hostPublicKey());
    assertThatThrownBy(() -> shell.run(fixture.nobody("w-9"), List.of("true"), T))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE))
        .hasMessageContaining("w-9");
  }

  @Test
  @DisplayName("an upload keeps its mode and bytes; a missing file has no mode and is NOT_FOUND")
  void files() throws Exception {
    SshTarget node = fixture.target("cp-1");
    Path remoteDir = Files.createDirectories(dir.resolve("remote"));
    String remote = remoteDir.resolve("token").toString();
    shell.upload(node, "secret\n".getBytes(), remote, 0600);
    assertThat(shell.mode(node, remote)).contains(0600);
    Path local = dir.resolve("local/token");
    shell.download(node, remote, local);
    assertThat(Files.readString(local)).isEqualTo("secret\n");
    String absent = remoteDir.resolve("absent").toString();
    assertThat(shell.mode(node, absent)).isEmpty();
    assertThatThrownBy(() -> shell.download(node, absent, dir.resolve("x")))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }
}
