package dev.kldload.zfs.lzc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.DatasetName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * On a host without the ZFS module, libzfs_core_init() fails; an lzc call after that would abort
 * the JVM. The adapter must answer PRECONDITION instead, every time, and the JVM must live on.
 */
class LibzfsCoreZfsWithoutModuleTest {

  @Test
  @DisplayName("without /dev/zfs a mutation is a precondition failure, not a crashed JVM")
  void guardedInit() {
    // the behaviour under test needs a host without the module: under CI=true one with it fails
    Requirements.require(
        !Files.exists(Path.of("/dev/zfs")),
        "a host without the ZFS module (this one has /dev/zfs)");
    LibzfsCoreZfs zfs = new LibzfsCoreZfs(new SystemProcessRunner());
    for (int attempt = 0; attempt < 2; attempt++) {
      KldloadException e =
          catchThrowableOfType(
              KldloadException.class,
              () -> zfs.snapshot(DatasetName.of("tank/a").snapshot("s"), Map.of()));
      assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION);
      assertThat(e.getMessage()).containsAnyOf("/dev/zfs", "libzfs_core");
    }
  }
}
