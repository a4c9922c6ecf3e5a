package dev.kldload.kube.ssh;

import dev.kldload.core.value.HostName;
import java.nio.file.Path;

/** The fake against the same contract as the JSch adapter. */
class InMemoryRemoteShellTest extends RemoteShellContract {
  @Override
  protected Fixture start(Path dir) {
    String key = InMemoryRemoteShell.randomHostKey();
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
        return InMemoryRemoteShell.randomHostKey();
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
