package dev.kldload.kube.smoke;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The run log: one line per run ({@code time pass=P fail=F warn=W skip=S}) appended to a file that
 * is renamed to {@code .old} (replacing the previous one) once it passes 2 MB, as the original did.
 */
public final class SmokeLog {
  public static final long ROTATE_BYTES = 2L * 1024 * 1024;

  private SmokeLog() {}

  public static String line(Instant time, SmokeReport.Counts n) {
    return time.truncatedTo(ChronoUnit.SECONDS)
        + " pass="
        + n.pass()
        + " fail="
        + n.fail()
        + " warn="
        + n.warn()
        + " skip="
        + n.skip();
  }

  /** Appends the run's line, rotating first when the file is past {@link #ROTATE_BYTES}. */
  public static void append(Path file, Instant time, SmokeReport.Counts counts) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (Files.exists(file) && Files.size(file) > ROTATE_BYTES) {
      Files.move(
          file,
          file.resolveSibling(file.getFileName() + ".old"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    Files.writeString(
        file,
        line(time, counts) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
