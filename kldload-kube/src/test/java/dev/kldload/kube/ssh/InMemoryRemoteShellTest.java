package dev.kldload.kube.ssh;

import dev.kldload.core.value.HostName;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/** The fake against the same contract as the JSch adapter. */
class InMemoryRemoteShellTest extends RemoteShellContract {
  /** A syntactically valid ed25519 public key line with random key bytes. */
  public static String randomHostKey() {
    byte[] blob = new byte[51];
    new SecureRandom().nextBytes(blob);
    return "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob) + " test";
  }

  @Override
  protected Fixture start(Path dir) {
    String key = randomHostKey();
    InMemoryRemoteShell servers = new InMemoryRemoteShell(KnownHosts.at(dir.resolve("unused")));
    servers.serve("127.0.0.1", 22, key);
    return new Fixture() {
      @Override
      public RemoteShell shell(KnownHosts pins) {
        return servers.with(pins);
      }

      @Override
      public SshTarget target(String node) {
        return SshTarget.root(HostName.of(node), "127.0.0.1");
      }

      @Override
      public String hostPublicKey() {
        return key;
      }

      @Override
      public String otherPublicKey() {
        return randomHostKey();
      }

      @Override
      public SshTarget nobody(String node) {
        return SshTarget.root(HostName.of(node), "127.0.0.2");
      }

      @Override
      public void close() {}
    };
  }
}
