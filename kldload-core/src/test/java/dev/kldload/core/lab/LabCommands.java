package dev.kldload.core.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs host tools inside the lab VM for the lab tier tests (JDK only, argv lists, no shell).
 * Deliberately independent of the production process runner so the lab tier can prove itself.
 */
final class LabCommands {

  /** Set by the lab VM's job unit; absent everywhere else. */
  static final boolean IN_LAB_VM = System.getenv("LABVM") != null;

  /** The second virtual disk the lab VM provides for pools. */
  static final Path POOL_DEVICE =
      Paths.get(
          System.getenv().getOrDefault("LABVM_POOL_DEVICE", "/dev/disk/by-id/virtio-labpool"));

  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  private LabCommands() {}

  record Result(List<String> argv, int exitCode, String stdout, String stderr) {
    Result ok() {
      assertThat(exitCode)
          .as("exit status of %s%nstdout: %s%nstderr: %s", argv, stdout, stderr)
          .isZero();
      return this;
    }

    String out() {
      return stdout.strip();
    }
  }

  static Result run(String... argv) {
    return runWithInput(null, argv);
  }

  /** Runs {@code argv} with {@code stdin} (may be null: /dev/null) as its standard input. */
  static Result runWithInput(String stdin, String... argv) {
    List<String> command = List.of(argv);
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("lab-out", ".txt");
      err = Files.createTempFile("lab-err", ".txt");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      if (stdin == null) {
        pb.redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
      }
      Process p = pb.start();
      if (stdin != null) {
        try (var in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish within " + DEFAULT_TIMEOUT);
      }
      return new Result(
          command,
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** Waits until {@code path} exists (udev creates /dev/zvol links late), settling udev first. */
  static boolean waitForPath(Path path, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    run("udevadm", "settle", "--timeout=30");
    while (!Files.exists(path)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(200);
    }
    return true;
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // temp file; nothing to do
      }
    }
  }
}
