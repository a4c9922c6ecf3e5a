package dev.kldload.core.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostLockTest {

  @Test
  @DisplayName("a second holder in the same process gets CONFLICT naming the first")
  void sameProcess(@TempDir Path dir) {
    try (HostLock first = HostLock.acquire(dir, "kldload", "kube-cluster bootstrap")) {
      assertThatThrownBy(() -> HostLock.acquire(dir, "kldload", "kube-cluster destroy"))
          .isInstanceOfSatisfying(
              KldloadException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
                assertThat(e.getMessage())
                    .startsWith("kldload is locked by pid " + ProcessHandle.current().pid())
                    .contains("(kube-cluster bootstrap)");
              });
    }
    try (HostLock again = HostLock.acquire(dir, "kldload", "kube-cluster destroy")) {
      assertThat(again.file()).exists();
    }
  }

  @Test
  @DisplayName("a lock held by another process is refused, and freed when that process dies")
  void otherProcess(@TempDir Path dir) throws Exception {
    Path lockFile = dir.resolve("c1.lock");
    // flock(1) takes the same kind of lock Java does not; python's fcntl.lockf is POSIX like Java's
    Process holder =
        new ProcessBuilder(
                List.of(
                    "python3",
                    "-c",
                    "import fcntl,sys,time\n"
                        + "f=open(sys.argv[1],'a+');fcntl.lockf(f,fcntl.LOCK_EX)\n"
                        + "f.seek(0);f.truncate();f.write('pid 1 (test holder)');f.flush()\n"
                        + "print('locked',flush=True);time.sleep(60)",
                    lockFile.toString()))
            .start();
    try {
      assertThat(new String(holder.getInputStream().readNBytes(7)))
          .isEqualTo("locked\n".substring(0, 7));
      assertThatThrownBy(() -> HostLock.acquire(dir, "c1", "test"))
          .isInstanceOfSatisfying(
              KldloadException.class,
              e -> assertThat(e.getMessage()).isEqualTo("c1 is locked by pid 1 (test holder)"));
    } finally {
      holder.destroyForcibly();
      holder.waitFor(5, TimeUnit.SECONDS);
    }
    try (HostLock lock = HostLock.acquire(dir, "c1", "test")) {
      assertThat(lock.file()).isEqualTo(lockFile);
    }
  }

  @Test
  @DisplayName(
      "an interrupted lock attempt is INTERRUPTED (exit 130) with a real message, not 'null'")
  void interrupted(@TempDir Path dir) {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> HostLock.acquire(dir, "zfs", "kube-setup"))
          .isInstanceOfSatisfying(
              KldloadException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.INTERRUPTED);
                assertThat(e.getMessage()).isEqualTo("interrupted while taking the zfs lock");
              });
    } finally {
      Thread.interrupted();
    }
  }
}
