package dev.kldload.kube.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.HostName;
import dev.kldload.kube.ssh.jsch.JschRemoteShell;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsTest {
  static final String KEY_A =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk0Lq5m0h6yD0Zw1f5o4gq3r0n9W3pTtqf2r0eZ1Xy2 a@b";
  static final String KEY_B =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP1o0b4m2Xk1qv7vQe3Jm9T0n7hLk8Yb2c5r6d4e3f2g b@c";

  @TempDir Path dir;

  @Test
  @DisplayName("pins keys by node name, replaces a node's earlier pin, writes the file 0600")
  void pinAndReplace() throws Exception {
    KnownHosts hosts = KnownHosts.at(dir.resolve("c1/known_hosts"));
    hosts.pin(HostName.of("cp-1"), KEY_A);
    hosts.pin(HostName.of("w-1"), KEY_A);
    hosts.pin(HostName.of("cp-1"), KEY_B);
    assertThat(Files.readAllLines(hosts.path()))
        .containsExactly(
            "w-1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk0Lq5m0h6yD0Zw1f5o4gq3r0n9W3pTtqf2r0eZ1Xy2",
            "cp-1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP1o0b4m2Xk1qv7vQe3Jm9T0n7hLk8Yb2c5r6d4e3f2g");
    assertThat(hosts.types(HostName.of("cp-1"))).containsExactly("ssh-ed25519");
    assertThat(hosts.types(HostName.of("w-9"))).isEmpty();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hosts.path())))
        .isEqualTo("rw-------");
  }

  @Test
  @DisplayName("refuses text that is not an OpenSSH public key")
  void refusesGarbage() {
    KnownHosts hosts = KnownHosts.at(dir.resolve("known_hosts"));
    for (String bad : List.of("", "ssh-ed25519", "ssh-dss AAAAB3NzaC1kc3MAAACBAP", "x y\nz w")) {
      assertThatThrownBy(() -> hosts.pin(HostName.of("n1"), bad))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT));
    }
    assertThat(hosts.path()).doesNotExist();
  }

  @Test
  @DisplayName("a node whose SSH port is closed is UNAVAILABLE (exit 7)")
  void unreachable() throws Exception {
    Path key = dir.resolve("id_ed25519");
    KeyPair pair = KeyPair.genKeyPair(new JSch(), KeyPair.ECDSA, 256);
    ByteArrayOutputStream priv = new ByteArrayOutputStream();
    pair.writePrivateKey(priv);
    Files.write(key, priv.toByteArray());
    ByteArrayOutputStream pub = new ByteArrayOutputStream();
    pair.writePublicKey(pub, "test");
    KnownHosts hosts = KnownHosts.at(dir.resolve("known_hosts"));
    hosts.pin(HostName.of("n1"), pub.toString(StandardCharsets.UTF_8));
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    SshTarget target = new SshTarget(HostName.of("n1"), "127.0.0.1", closedPort, "root");
    try (JschRemoteShell shell = new JschRemoteShell(key, hosts, Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> shell.run(target, List.of("true"), Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE))
          .hasMessageContaining("n1 (root@127.0.0.1:" + closedPort + "): unreachable");
    }
  }

  @Test
  @DisplayName("SSH targets refuse addresses and users that are not plain names")
  void targetValidation() {
    for (String host : List.of("a;b", "-oProxyCommand=x", "", "a b")) {
      assertThatThrownBy(() -> new SshTarget(HostName.of("n"), host, 22, "root"))
          .isInstanceOf(KldloadException.class);
    }
    assertThatThrownBy(() -> new SshTarget(HostName.of("n"), "h", 22, "-l"))
        .isInstanceOf(KldloadException.class);
    assertThatThrownBy(() -> new SshTarget(HostName.of("n"), "h", 0, "root"))
        .isInstanceOf(KldloadException.class);
  }
}
