package dev.kldload.kube.ssh;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.value.HostName;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway OpenSSH server for adapter tests: Debian's {@code /usr/sbin/sshd} in the foreground
 * on 127.0.0.1 and a free port, with its own ed25519 host key, a client key in authorized_keys, key
 * authentication only, and the log written to a file the test can read.
 */
public final class OpenSshServer implements AutoCloseable {
  public static final Path SSHD = Path.of("/usr/sbin/sshd");

  final Path dir;
  final int port;
  public final Path clientKey;
  final Path log;
  private final Process process;

  private OpenSshServer(Path dir, int port, Path clientKey, Path log, Process process) {
    this.dir = dir;
    this.port = port;
    this.clientKey = clientKey;
    this.log = log;
    this.process = process;
  }

  public static OpenSshServer start(Path dir) throws Exception {
    Files.createDirectories(Path.of("/run/sshd"));
    Files.createDirectories(dir);
    keygen(dir.resolve("host_ed25519"));
    keygen(dir.resolve("client_ed25519"));
    Files.copy(dir.resolve("client_ed25519.pub"), dir.resolve("authorized_keys"));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String user = System.getProperty("user.name");
    Path config = dir.resolve("sshd_config");
    Files.writeString(
        config,
        config(
            port,
            dir.resolve("host_ed25519"),
            dir.resolve("sshd.pid"),
            dir.resolve("authorized_keys"),
            System.getProperty("user.name")),
        StandardCharsets.UTF_8);
    Path log = dir.resolve("sshd.log");
    Process process =
        new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    OpenSshServer server =
        new OpenSshServer(dir, port, dir.resolve("client_ed25519"), log, process);
    try {
      Conditions.system(new CancellationToken())
          .awaitTrue(
              "sshd on 127.0.0.1:" + port,
              Duration.ofSeconds(15),
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException("sshd exited: " + Files.readString(log));
                }
                try (Socket s = new Socket()) {
                  s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                  return true;
                } catch (IOException e) {
                  return false;
                }
              });
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * The configuration of a key-only sshd on 127.0.0.1:{@code port} that lets in {@code user} with
   * the keys in {@code authorizedKeys}, SFTP included, logging logins.
   */
  public static String config(
      int port, Path hostKey, Path pidFile, Path authorizedKeys, String user) {
    return String.join(
        "\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + hostKey,
        "PidFile " + pidFile,
        "AuthorizedKeysFile " + authorizedKeys,
        "AllowUsers " + user,
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "LogLevel INFO",
        "Subsystem sftp internal-sftp",
        "");
  }

  /** The server's host public key line ("ssh-ed25519 AAAA… comment"). */
  public String hostPublicKey() throws IOException {
    return Files.readString(dir.resolve("host_ed25519.pub")).strip();
  }

  public SshTarget target(String node) {
    return new SshTarget(HostName.of(node), "127.0.0.1", port, System.getProperty("user.name"));
  }

  /** How many logins sshd accepted so far (one per connection). */
  long acceptedLogins() throws IOException {
    return Files.readAllLines(log).stream().filter(l -> l.contains("Accepted publickey")).count();
  }

  /** An ed25519 key pair without passphrase: {@code file} and {@code file.pub}. */
  public static void keygen(Path file) throws Exception {
    Process p =
        new ProcessBuilder(
                "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("ssh-keygen failed: " + out);
    }
  }

  Optional<Long> pid() {
    return process.isAlive() ? Optional.of(process.pid()) : Optional.empty();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static List<String> requirements() {
    return List.of("/usr/sbin/sshd (apt-get install openssh-server)", "ssh-keygen", "root");
  }
}
