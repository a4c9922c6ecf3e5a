package dev.kldload.kube.bundle.image;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A server program a test runs in the foreground, its output in a log file, ready once {@code
 * ready} holds; stopped with SIGTERM (then SIGKILL) on close.
 */
final class TestDaemon implements AutoCloseable {
  private final Process process;
  private final Path log;

  private TestDaemon(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static TestDaemon start(List<String> argv, Path log, Duration timeout, Callable<Boolean> ready)
      throws Exception {
    Process process =
        new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    TestDaemon daemon = new TestDaemon(process, log);
    try {
      Conditions.system(new CancellationToken())
          .awaitTrue(
              argv.get(0) + " ready",
              timeout,
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(argv.get(0) + " exited: " + daemon.log());
                }
                return ready.call();
              });
    } catch (RuntimeException | InterruptedException e) {
      daemon.close();
      throw e;
    }
    return daemon;
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
