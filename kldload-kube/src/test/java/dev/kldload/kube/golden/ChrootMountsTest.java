package dev.kldload.kube.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChrootMountsTest {
  @TempDir Path tmp;

  /** Records argv; umount answers {@code umountExit} and leaves the mount table as it is. */
  static final class Recorder implements ProcessRunner {
    final List<List<String>> calls = new ArrayList<>();
    final int umountExit;

    Recorder(int umountExit) {
      this.umountExit = umountExit;
    }

    @Override
    public ProcessResult run(ProcessSpec spec) {
      calls.add(spec.argv());
      int exit = spec.program().equals("umount") ? umountExit : 0;
      return new ProcessResult(spec, exit, "", exit == 0 ? "" : "target is busy", Duration.ZERO);
    }
  }

  private Path mountinfo(String... points) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String p : points) {
      sb.append("36 25 0:5 / ").append(p).append(" rw,relatime - proc proc rw\n");
    }
    return Files.writeString(tmp.resolve("mountinfo"), sb.toString());
  }

  @Test
  @DisplayName(
      "mounts below a directory are found deepest first, with mountinfo's octal escapes read")
  void under() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("work dir/root")).toRealPath();
    String escaped = root.toString().replace(" ", "\\040");
    Path table =
        mountinfo(
            "/proc", escaped + "/dev", escaped + "/dev/pts", escaped + "/proc", "/elsewhere/dev");
    ChrootMounts mounts = new ChrootMounts(new Recorder(0), table);
    assertThat(mounts.under(root))
        .containsExactly(root.resolve("dev/pts"), root.resolve("dev"), root.resolve("proc"));
  }

  @Test
  @DisplayName(
      "a directory with a mount that will not go is not deleted: a bind-mounted /dev stays whole")
  void refusesWhileMounted() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("work/root/dev")).getParent().toRealPath();
    Files.writeString(root.resolve("dev/null-like"), "host device");
    Recorder runner = new Recorder(32);
    ChrootMounts mounts = new ChrootMounts(runner, mountinfo(root.resolve("dev").toString()));
    assertThatThrownBy(() -> mounts.delete(root.getParent())).isInstanceOf(KldloadException.class);
    assertThat(runner.calls).containsExactly(List.of("umount", root.resolve("dev").toString()));
    assertThat(root.resolve("dev/null-like")).hasContent("host device");
  }

  @Test
  @DisplayName("a directory with nothing mounted is deleted, links not followed")
  void deletes() throws Exception {
    Path outside = Files.writeString(tmp.resolve("outside"), "keep");
    Path work = Files.createDirectories(tmp.resolve("work/root/etc"));
    Files.createSymbolicLink(work.resolve("link"), outside);
    new ChrootMounts(new Recorder(0), mountinfo("/proc")).delete(tmp.resolve("work"));
    assertThat(tmp.resolve("work")).doesNotExist();
    assertThat(outside).hasContent("keep");
  }
}
