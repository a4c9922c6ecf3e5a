package dev.kldload.kube.ssh;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link RemoteShell} fake that behaves as {@link RemoteShellContract} says the JSch adapter
 * does: it refuses a node whose key is not pinned (without connecting) or whose server presents
 * another key, reports UNAVAILABLE where no server answers, and keeps uploaded files with their
 * modes. Servers are registered by address; they answer {@code true} and {@code false}, and a test
 * may give a server its own {@link Handler} for other commands.
 */
public final class InMemoryRemoteShell implements RemoteShell {
  /** What a server does with a command. */
  @FunctionalInterface
  public interface Handler {
    /** The exit status and output; return empty for "command not found". */
    Optional<Reply> run(List<String> argv, Optional<byte[]> stdin);
  }

  public record Reply(int exitStatus, String stdout, String stderr) {}

  /** One command a server ran. */
  public record Call(SshTarget target, List<String> argv) {}

  private record Server(String hostPublicKey, Handler handler, Map<String, File> files) {}

  private record File(byte[] content, int mode) {}

  /** Shared by shells made with {@link #with}: the servers are the world, not the client. */
  private final Map<String, Server> servers;

  private final List<Call> calls;
  private final KnownHosts knownHosts;

  public InMemoryRemoteShell(KnownHosts knownHosts) {
    this(new ConcurrentHashMap<>(), new CopyOnWriteArrayList<>(), knownHosts);
  }

  private InMemoryRemoteShell(
      Map<String, Server> servers, List<Call> calls, KnownHosts knownHosts) {
    this.servers = servers;
    this.calls = calls;
    this.knownHosts = knownHosts;
  }

  /** A well-formed ed25519 public key line with random key bytes, for a server that is no one. */
  public static String randomHostKey() {
    byte[] blob = new byte[51];
    new SecureRandom().nextBytes(blob);
    return "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob) + " test";
  }

  /** Another client, with its own pins, of the same servers. */
  public InMemoryRemoteShell with(KnownHosts other) {
    return new InMemoryRemoteShell(servers, calls, other);
  }

  /** Starts (or replaces) a server at {@code host:port} presenting {@code hostPublicKey}. */
  public void serve(String host, int port, String hostPublicKey) {
    serve(host, port, hostPublicKey, (argv, stdin) -> Optional.empty());
  }

  public void serve(String host, int port, String hostPublicKey, Handler handler) {
    servers.put(host + ":" + port, new Server(hostPublicKey, handler, new ConcurrentHashMap<>()));
  }

  /** Stops the server at {@code host:port}: later connections are refused. */
  public void stop(String host, int port) {
    servers.remove(host + ":" + port);
  }

  /** Every command any server ran, in order. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  private Server connect(SshTarget target) {
    List<String> pins = pins(target);
    if (pins.isEmpty()) {
      throw new KldloadException(
          ErrorKind.PERMISSION,
          "ssh "
              + target.display()
              + ": refused, no host key is pinned for it in "
              + knownHosts.path(),
          "pin the node's host key first");
    }
    Server server = servers.get(target.host() + ":" + target.port());
    if (server == null) {
      throw new KldloadException(
          ErrorKind.UNAVAILABLE,
          "ssh " + target.display() + ": connection refused",
          "check that the node is up and sshd runs");
    }
    String[] key = server.hostPublicKey().strip().split("\\s+");
    if (!pins.contains(key[0] + " " + key[1])) {
      throw new KldloadException(
          ErrorKind.PERMISSION,
          "ssh "
              + target.display()
              + ": refused, its host key does not match the key pinned in "
              + knownHosts.path(),
          "if the node was re-created, pin its new key");
    }
    return server;
  }

  /** "type base64" of each key pinned for the node. */
  private List<String> pins(SshTarget target) {
    List<String> out = new ArrayList<>();
    if (!Files.exists(knownHosts.path())) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(knownHosts.path())) {
        String[] f = line.strip().split("\\s+");
        if (f.length >= 3 && f[0].equals(target.node().value())) {
          out.add(f[1] + " " + f[2]);
        }
      }
    } catch (IOException e) {
      throw new KldloadException(ErrorKind.FAILED, "cannot read " + knownHosts.path(), null, e);
    }
    return out;
  }

  @Override
  public RemoteResult run(
      SshTarget target,
      List<String> argv,
      Duration timeout,
      Optional<byte[]> stdin,
      Optional<Streams> stream) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    Server server = connect(target);
    calls.add(new Call(target, argv));
    Reply reply =
        server
            .handler()
            .run(argv, stdin)
            .orElseGet(
                () ->
                    switch (argv.get(0)) {
                      case "true" -> new Reply(0, "", "");
                      case "false" -> new Reply(1, "", "");
                      default -> new Reply(127, "", "sh: " + argv.get(0) + ": not found\n");
                    });
    if (stream.isPresent()) {
      try {
        stream.get().stdout().write(reply.stdout().getBytes());
        stream.get().stderr().write(reply.stderr().getBytes());
      } catch (IOException e) {
        throw new KldloadException(ErrorKind.FAILED, "cannot copy output", null, e);
      }
      return new RemoteResult(target, argv, reply.exitStatus(), "", "", Duration.ZERO);
    }
    return new RemoteResult(
        target, argv, reply.exitStatus(), reply.stdout(), reply.stderr(), Duration.ZERO);
  }

  @Override
  public void upload(SshTarget target, byte[] content, String remotePath, int mode) {
    connect(target).files().put(remotePath, new File(content.clone(), mode));
  }

  @Override
  public void download(SshTarget target, String remotePath, Path localFile) {
    File file = connect(target).files().get(remotePath);
    if (file == null) {
      throw KldloadException.notFound(
          "ssh " + target.display() + ": " + remotePath + " does not exist", null);
    }
    PrivateFiles.write(localFile, file.content());
  }

  @Override
  public Optional<Integer> mode(SshTarget target, String remotePath) {
    return Optional.ofNullable(connect(target).files().get(remotePath)).map(File::mode);
  }

  @Override
  public void close() {}
}
