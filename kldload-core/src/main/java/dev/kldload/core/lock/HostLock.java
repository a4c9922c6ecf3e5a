package dev.kldload.core.lock;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * One lock per scope ({@code <run-dir>/<scope>.lock}) held by a mutating command for its whole run.
 * The kernel releases it when the process dies, so a crash never leaves a stale lock. The file
 * holds who holds it (pid, command, since) so the second caller can be told.
 */
public final class HostLock implements AutoCloseable {
  private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private HostLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock or fails at once with {@link ErrorKind#CONFLICT} naming the holder.
   *
   * @param holder what the holder is doing, e.g. "kube-cluster bootstrap"
   */
  public static HostLock acquire(Path runDir, String scope, String holder) {
    if (!SCOPE.matcher(scope).matches()) {
      throw new IllegalArgumentException("invalid lock scope " + scope);
    }
    Path file = runDir.resolve(scope + ".lock");
    FileChannel channel = null;
    try {
      Files.createDirectories(runDir);
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String who = holder(file);
        channel.close();
        throw new KldloadException(
            ErrorKind.CONFLICT,
            scope + " is locked" + (who.isEmpty() ? "" : " by " + who),
            "wait for that command to finish (the lock goes away with its process)");
      }
      String me =
          "pid " + ProcessHandle.current().pid() + " (" + holder + ") since " + Instant.now();
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
      return new HostLock(file, channel, lock);
    } catch (ClosedByInterruptException | FileLockInterruptionException e) {
      Thread.currentThread().interrupt();
      throw new KldloadException(
          ErrorKind.INTERRUPTED, "interrupted while taking the " + scope + " lock", null, e);
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // the open failed part-way; nothing is held
        }
      }
      throw new KldloadException(
          ErrorKind.PRECONDITION,
          "cannot create lock " + file + ": " + describe(e),
          "run as root, or point run-dir / KLDLOAD_RUN_DIR at a writable directory",
          e);
    }
  }

  /**
   * Who holds the lock, as its holder wrote it. The holder writes right after taking the lock, so a
   * caller that lost the race may find the file still empty: it looks again for a moment.
   */
  private static String holder(Path file) throws IOException {
    for (int attempt = 0; ; attempt++) {
      String who = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!who.isEmpty() || attempt == 20) {
        return who;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return who;
      }
    }
  }

  private static String describe(IOException e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() {
    try {
      channel.truncate(0);
      lock.release();
      channel.close();
    } catch (IOException e) {
      // closing the channel releases the lock in any case
    }
  }
}
