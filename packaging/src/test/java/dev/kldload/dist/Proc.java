package dev.kldload.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A whole process as an operator's shell would start it: exit code, stdout and stderr. */
record Proc(List<String> argv, int exit, String out, String err) {
  static Proc run(List<String> argv, Map<String, String> env, boolean clearEnv) {
    ProcessBuilder pb = new ProcessBuilder(argv);
    if (clearEnv) {
      pb.environment().clear();
    }
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    try {
      Process p = pb.start();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + argv);
      }
      return new Proc(argv, p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Proc run(String... argv) {
    return run(List.of(argv), Map.of(), false);
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return String.join(" ", argv)
        + "\nexit "
        + exit
        + "\n--- stdout\n"
        + out
        + "\n--- stderr\n"
        + err;
  }
}
