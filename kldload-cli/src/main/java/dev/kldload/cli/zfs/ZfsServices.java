package dev.kldload.cli.zfs;

import dev.kldload.cli.support.Cli;
import dev.kldload.zfs.Zfs;
import dev.kldload.zfs.lzc.LibzfsCoreZfs;
import java.util.function.Function;

/**
 * Where the ZFS commands get their {@link Zfs}: the libzfs_core adapter, built when a command runs
 * (so {@code --help} loads no native library). Tests of this package swap in the in-memory fake
 * through {@link #use} and restore the default afterwards.
 */
final class ZfsServices {
  private static final Function<Cli, Zfs> REAL = cli -> new LibzfsCoreZfs(cli.processRunner(false));
  private static volatile Function<Cli, Zfs> factory = REAL;

  private ZfsServices() {}

  static Zfs zfs(Cli cli) {
    return factory.apply(cli);
  }

  /** Test hook: the factory for this package's commands; {@code null} restores the real one. */
  static void use(Function<Cli, Zfs> replacement) {
    factory = replacement == null ? REAL : replacement;
  }
}
