package dev.kldload.kube.ssh.jsch;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchHostKeyException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.process.ShellQuote;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kube.ssh.RemoteResult;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kube.ssh.SshTarget;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link RemoteShell} on JSch. One SSH connection per node, opened on first use and reused for
 * every later command and transfer (JSch multiplexes channels over it); different nodes have
 * different connections, so callers may work on many nodes in parallel. Host keys are checked
 * strictly against the cluster's {@link KnownHosts} under the node's name; only public-key
 * authentication is offered.
 */
public final class JschRemoteShell implements RemoteShell {
  private final Path privateKey;
  private final KnownHosts knownHosts;
  private final Duration connectTimeout;
  private final ConcurrentHashMap<SshTarget, Connection> connections = new ConcurrentHashMap<>();

  /** One node's connection; its monitor serialises (re)connecting, not the commands. */
  private static final class Connection {
    private Session session;
  }

  public JschRemoteShell(Path privateKey, KnownHosts knownHosts, Duration connectTimeout) {
    this.privateKey = privateKey;
    this.knownHosts = knownHosts;
    this.connectTimeout = connectTimeout;
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
    String command = ShellQuote.join(argv);
    ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
    ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
    OutputStream out = stream.map(Streams::stdout).orElse(capturedOut);
    OutputStream err = stream.map(Streams::stderr).orElse(capturedErr);
    long start = System.nanoTime();
    ChannelExec channel = (ChannelExec) openChannel(target, "exec");
    try {
      channel.setCommand(command);
      // always a stream, so the remote side gets end-of-file instead of waiting for input
      channel.setInputStream(new ByteArrayInputStream(stdin.orElse(new byte[0])), false);
      channel.setOutputStream(out, true);
      channel.setErrStream(err, true);
      channel.connect(millis(connectTimeout));
      awaitClosed(target, channel, command, timeout, start);
      int status = channel.getExitStatus();
      if (status < 0 && !channel.getSession().isConnected()) {
        throw new KldloadException(
            ErrorKind.UNAVAILABLE,
            "ssh " + target.display() + ": connection lost while running " + argv.get(0),
            "check that the node is up, then re-run");
      }
      return new RemoteResult(
          target,
          argv,
          status < 0 ? 255 : status,
          capturedOut.toString(StandardCharsets.UTF_8),
          capturedErr.toString(StandardCharsets.UTF_8),
          Duration.ofNanos(System.nanoTime() - start));
    } catch (JSchException e) {
      throw translate(target, e);
    } finally {
      channel.disconnect();
    }
  }

  private static void awaitClosed(
      SshTarget target, ChannelExec channel, String command, Duration timeout, long start) {
    long deadline = start + timeout.toNanos();
    long pause = 1;
    // JSch offers no completion callback: poll the channel state with a short, growing pause
    while (!channel.isClosed()) {
      if (System.nanoTime() > deadline) {
        try {
          channel.sendSignal("KILL");
        } catch (Exception ignored) {
          // best effort: servers without signal support still see the channel close
        }
        throw new KldloadException(
            ErrorKind.TIMEOUT,
            "ssh " + target.display() + ": command did not finish within " + human(timeout),
            "the command was: " + command);
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KldloadException(
            ErrorKind.INTERRUPTED, "ssh " + target.display() + ": interrupted", null, e);
      }
      pause = Math.min(pause * 2, 50);
    }
  }

  @Override
  public void upload(SshTarget target, byte[] content, String remotePath, int mode) {
    requireAbsolute(remotePath);
    int slash = remotePath.lastIndexOf('/');
    String tmp =
        remotePath.substring(0, slash + 1)
            + "."
            + remotePath.substring(slash + 1)
            + ".kldload-"
            + UUID.randomUUID()
            + ".tmp";
    ChannelSftp sftp = sftp(target);
    try {
      // the file gets its mode while still empty, so the content is never readable by others
      sftp.put(new ByteArrayInputStream(new byte[0]), tmp, ChannelSftp.OVERWRITE);
      sftp.chmod(mode & 07777, tmp);
      sftp.put(new ByteArrayInputStream(content), tmp, ChannelSftp.OVERWRITE);
      sftp.rename(tmp, remotePath);
    } catch (SftpException e) {
      try {
        sftp.rm(tmp);
      } catch (SftpException ignored) {
        // nothing was created, or it is already gone
      }
      throw translate(target, remotePath, "upload", e);
    } finally {
      sftp.disconnect();
    }
  }

  @Override
  public void download(SshTarget target, String remotePath, Path localFile) {
    requireAbsolute(remotePath);
    ChannelSftp sftp = sftp(target);
    // what we fetch is small and secret (kubeconfigs, join commands): read it whole, then write
    // it through PrivateFiles so it never exists locally with a wider mode
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    try {
      sftp.get(remotePath, content);
    } catch (SftpException e) {
      throw translate(target, remotePath, "download", e);
    } finally {
      sftp.disconnect();
    }
    PrivateFiles.write(localFile, content.toByteArray());
  }

  @Override
  public Optional<Integer> mode(SshTarget target, String remotePath) {
    requireAbsolute(remotePath);
    ChannelSftp sftp = sftp(target);
    try {
      return Optional.of(sftp.stat(remotePath).getPermissions() & 07777);
    } catch (SftpException e) {
      if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
        return Optional.empty();
      }
      throw translate(target, remotePath, "stat", e);
    } finally {
      sftp.disconnect();
    }
  }

  @Override
  public void close() {
    List<Connection> all = new ArrayList<>(connections.values());
    connections.clear();
    for (Connection c : all) {
      synchronized (c) {
        if (c.session != null) {
          c.session.disconnect();
          c.session = null;
        }
      }
    }
  }

  /** Number of live connections; one per node however many commands ran. */
  public int openConnections() {
    int n = 0;
    for (Connection c : connections.values()) {
      synchronized (c) {
        if (c.session != null && c.session.isConnected()) {
          n++;
        }
      }
    }
    return n;
  }

  private ChannelSftp sftp(SshTarget target) {
    ChannelSftp sftp = (ChannelSftp) openChannel(target, "sftp");
    try {
      sftp.connect(millis(connectTimeout));
      return sftp;
    } catch (JSchException e) {
      sftp.disconnect();
      throw translate(target, e);
    }
  }

  /** Opens a channel on the node's connection, reconnecting once if the old one died. */
  private Channel openChannel(SshTarget target, String type) {
    Connection c = connections.computeIfAbsent(target, t -> new Connection());
    synchronized (c) {
      for (int attempt = 0; ; attempt++) {
        if (c.session == null || !c.session.isConnected()) {
          c.session = connect(target);
        }
        try {
          return c.session.openChannel(type);
        } catch (JSchException e) {
          c.session.disconnect();
          c.session = null;
          if (attempt > 0) {
            throw translate(target, e);
          }
        }
      }
    }
  }

  private Session connect(SshTarget target) {
    List<String> pinned = knownHosts.types(target.node());
    if (pinned.isEmpty()) {
      throw new KldloadException(
          ErrorKind.PERMISSION,
          "ssh "
              + target.display()
              + ": refused, no host key is pinned for it in "
              + knownHosts.path(),
          "pin the node's host key first (kldload writes them when it generates the node's seed)");
    }
    try {
      JSch jsch = new JSch();
      jsch.addIdentity(privateKey.toString());
      jsch.setKnownHosts(knownHosts.path().toString());
      Session session = jsch.getSession(target.user(), target.host(), target.port());
      session.setHostKeyAlias(target.node().value());
      session.setConfig("StrictHostKeyChecking", "yes");
      session.setConfig("PreferredAuthentications", "publickey");
      session.setConfig("server_host_key", hostKeyAlgorithms(pinned));
      session.setServerAliveInterval(30_000);
      session.setServerAliveCountMax(6);
      session.connect(millis(connectTimeout));
      return session;
    } catch (JSchException e) {
      throw translate(target, e);
    }
  }

  /**
   * Offer only the algorithms of the pinned key types, so negotiation cannot pick an unpinned one.
   */
  private static String hostKeyAlgorithms(List<String> types) {
    List<String> out = new ArrayList<>();
    for (String type : types) {
      if (type.equals("ssh-rsa")) {
        out.addAll(List.of("rsa-sha2-512", "rsa-sha2-256"));
      } else {
        out.add(type);
      }
    }
    return String.join(",", out);
  }

  private KldloadException translate(SshTarget target, JSchException e) {
    String where = "ssh " + target.display();
    if (e instanceof JSchChangedHostKeyException) {
      return new KldloadException(
          ErrorKind.PERMISSION,
          where + ": refused, its host key does not match the key pinned in " + knownHosts.path(),
          "if the node was re-created, pin its new key; otherwise something is impersonating it",
          e);
    }
    if (e instanceof JSchUnknownHostKeyException || e instanceof JSchHostKeyException) {
      return new KldloadException(
          ErrorKind.PERMISSION,
          where + ": refused, its host key is not pinned in " + knownHosts.path(),
          "pin the node's host key first (kldload writes them when it generates the node's seed)",
          e);
    }
    String message = String.valueOf(e.getMessage());
    if (message.startsWith("Auth fail") || message.startsWith("Auth cancel")) {
      return new KldloadException(
          ErrorKind.PERMISSION,
          where + ": key authentication refused (key " + privateKey + ")",
          "check that the node's authorized_keys holds this key's public half",
          e);
    }
    if (message.startsWith("invalid privatekey") || message.contains("privatekey")) {
      return new KldloadException(
          ErrorKind.PRECONDITION,
          where + ": cannot use private key " + privateKey + ": " + message,
          "give an unencrypted OpenSSH private key (ed25519 preferred)",
          e);
    }
    Throwable cause = e.getCause();
    if (cause instanceof ConnectException
        || cause instanceof SocketTimeoutException
        || cause instanceof NoRouteToHostException
        || cause instanceof UnknownHostException
        || message.contains("timeout")) {
      return new KldloadException(
          ErrorKind.UNAVAILABLE,
          where + ": unreachable: " + (cause != null ? cause.getMessage() : message),
          "check that the node is up and its SSH server answers",
          e);
    }
    return new KldloadException(ErrorKind.UNAVAILABLE, where + ": " + message, null, e);
  }

  private static KldloadException translate(
      SshTarget target, String path, String what, SftpException e) {
    String message = "ssh " + target.display() + ": " + what + " " + path + ": " + e.getMessage();
    return switch (e.id) {
      case ChannelSftp.SSH_FX_NO_SUCH_FILE ->
          new KldloadException(ErrorKind.NOT_FOUND, message, "check the path on the node", e);
      case ChannelSftp.SSH_FX_PERMISSION_DENIED ->
          new KldloadException(
              ErrorKind.PERMISSION, message, "check the file's owner and mode on the node", e);
      default -> new KldloadException(ErrorKind.FAILED, message, null, e);
    };
  }

  private static void requireAbsolute(String remotePath) {
    if (!remotePath.startsWith("/") || remotePath.endsWith("/") || remotePath.indexOf('\0') >= 0) {
      throw KldloadException.invalid(
          "remote path '" + remotePath + "' is not an absolute file path",
          "give a path such as /etc/kubernetes/join-command.sh");
    }
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  private static String human(Duration d) {
    return d.toSeconds() >= 1 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
