package dev.kldload.core.process;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs programs for real with {@link ProcessBuilder}; output is captured on two reader threads. */
public final class SystemProcessRunner implements ProcessRunner {

  @Override
  public ProcessResult run(ProcessSpec spec) {
    ProcessBuilder builder = new ProcessBuilder(spec.argv());
    builder.environment().putAll(spec.environment());
    spec.directory().ifPresent(dir -> builder.directory(dir.toFile()));
    if (spec.stdin().isEmpty()) {
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    long start = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.PRECONDITION,
          "cannot run " + spec.program() + ": " + e.getMessage(),
          Programs.installHint(spec.program()),
          e);
    }
    CompletableFuture<byte[]> out = drain(process.getInputStream());
    CompletableFuture<byte[]> err = drain(process.getErrorStream());
    spec.stdin().ifPresent(bytes -> feed(process, bytes));
    try {
      if (!process.waitFor(spec.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new KldloadException(
            ErrorKind.TIMEOUT,
            spec.program() + " did not finish within " + spec.timeout().toSeconds() + "s",
            "the command was: " + spec.display());
      }
      String stdout = new String(out.get(), StandardCharsets.UTF_8);
      String stderr = new String(err.get(), StandardCharsets.UTF_8);
      return new ProcessResult(
          spec, process.exitValue(), stdout, stderr, Duration.ofNanos(System.nanoTime() - start));
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new KldloadException(
          ErrorKind.INTERRUPTED, spec.program() + " was interrupted", null, e);
    } catch (ExecutionException e) {
      throw new KldloadException(
          ErrorKind.FAILED,
          "reading the output of " + spec.program() + " failed: " + e.getCause().getMessage(),
          null,
          e);
    }
  }

  private static void feed(Process process, byte[] bytes) {
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(bytes);
    } catch (IOException e) {
      // the program closed its input early; its exit status tells the rest
    }
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            stream.transferTo(buffer);
            return buffer.toByteArray();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        runnable -> {
          Thread thread = new Thread(runnable, "process-output");
          thread.setDaemon(true);
          thread.start();
        });
  }
}
