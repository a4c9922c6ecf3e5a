package dev.kldload.core.lock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The locks one mutation holds. A scope names what is protected (the host's ZFS, the firewall, our
 * WireGuard interfaces, the kvm domains); each scope is locked in every directory given — the run
 * directory, where every command on the host meets, and the state directory the command will change
 * — so two runs conflict when they share either: one state directory with two run directories races
 * no more than one run directory with two state directories.
 */
public final class HeldLocks implements AutoCloseable {
  private final List<HostLock> held;

  private HeldLocks(List<HostLock> held) {
    this.held = List.copyOf(held);
  }

  /** All or nothing: on a conflict the locks taken so far are released and the error raised. */
  public static HeldLocks acquire(List<Path> dirs, List<String> scopes, String holder) {
    List<HostLock> taken = new ArrayList<>();
    try {
      for (String scope : scopes.stream().distinct().sorted().toList()) {
        for (Path dir : dirs.stream().distinct().toList()) {
          taken.add(HostLock.acquire(dir, scope, holder));
        }
      }
      return new HeldLocks(taken);
    } catch (RuntimeException e) {
      taken.forEach(HostLock::close);
      throw e;
    }
  }

  public List<Path> files() {
    return held.stream().map(HostLock::file).toList();
  }

  @Override
  public void close() {
    for (int i = held.size() - 1; i >= 0; i--) {
      held.get(i).close();
    }
  }
}
