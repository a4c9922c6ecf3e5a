package dev.kldload.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {
  private final ProcessRunner runner = new SystemProcessRunner();

  @Test
  @DisplayName("arguments pass through verbatim: no shell sees them")
  void argvVerbatim() {
    ProcessResult result =
        runner.check(ProcessSpec.of("printf", "%s|", "a b", "$(id)", ";rm", "'q'").build());
    assertThat(result.stdout()).isEqualTo("a b|$(id)|;rm|'q'|");
  }

  @Test
  @DisplayName("captures stdout, stderr, exit status, environment, stdin and working directory")
  void captures(@TempDir Path dir) {
    ProcessResult result =
        runner.run(
            ProcessSpec.of("sh", "-c", "cat; echo \"$GREETING\"; pwd; echo oops >&2; exit 3")
                .env("GREETING", "hello")
                .stdin("input\n".getBytes(StandardCharsets.UTF_8))
                .directory(dir)
                .build());
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout()).isEqualTo("input\nhello\n" + dir + "\n");
    assertThat(result.stderr()).isEqualTo("oops\n");
  }

  @Test
  @DisplayName("a non-zero exit names the program and the tail of its stderr")
  void checkFailure() {
    assertThatThrownBy(() -> runner.check("ls", "/definitely/not/here"))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
              assertThat(e.getMessage())
                  .startsWith("ls exited 2: ")
                  .contains("/definitely/not/here");
              assertThat(e.hint()).contains("the command was: ls /definitely/not/here");
            });
  }

  @Test
  @DisplayName("a missing program is a precondition with an install hint")
  void missingProgram() {
    assertThatThrownBy(() -> runner.run(List.of("wg-definitely-missing"), Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION));
  }

  @Test
  @DisplayName("a program past its timeout is killed and reported as TIMEOUT")
  void timeout() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () -> runner.run(ProcessSpec.of("sleep", "30").timeout(Duration.ofMillis(300)).build()))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
              assertThat(e.getMessage()).contains("sleep did not finish");
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("dry-run records mutating calls without running them and still runs reads")
  void dryRun(@TempDir Path dir) {
    DryRunProcessRunner dry = new DryRunProcessRunner(runner);
    Path marker = dir.resolve("marker");
    ProcessResult write = dry.check(ProcessSpec.of("touch", marker.toString()).build());
    ProcessResult read = dry.check(ProcessSpec.of("echo", "observed").readOnly().build());
    assertThat(write.ok()).isTrue();
    assertThat(marker).doesNotExist();
    assertThat(read.stdout()).isEqualTo("observed\n");
    assertThat(dry.recorded()).extracting(ProcessSpec::display).containsExactly("touch " + marker);
    assertThat(dry.mutates()).isFalse();
  }

  @Test
  @DisplayName("shell quoting round-trips through a real shell")
  void quoting() {
    List<String> nasty =
        List.of("plain", "a b", "it's", "$(id)", "`x`", "a\"b", "", "new\nline", "*");
    String script = "printf '%s|' " + ShellQuote.join(nasty);
    ProcessResult result = runner.check(ProcessSpec.of("sh", "-c", script).build());
    assertThat(result.stdout()).isEqualTo(String.join("|", nasty) + "|");
    assertThat(ShellQuote.quote("rpool/vms@snap")).isEqualTo("rpool/vms@snap");
    assertThatThrownBy(() -> ShellQuote.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("a program dies with the run, even when the JVM running it is killed with SIGKILL")
  void childDiesWithKilledJvm() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process jvm =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SleepUnderRunner.class.getName())
            .redirectErrorStream(true)
            .start();
    try {
      ProcessHandle sleep = null;
      for (int i = 0; i < 300 && sleep == null; i++) {
        sleep =
            jvm.descendants()
                .filter(p -> p.info().command().orElse("").endsWith("/sleep"))
                .findFirst()
                .orElse(null);
        if (sleep == null) {
          Thread.sleep(50);
        }
      }
      assertThat(sleep).as("sleep started under the runner").isNotNull();
      jvm.destroyForcibly().waitFor();
      ProcessHandle orphan = sleep;
      for (int i = 0; i < 100 && orphan.isAlive(); i++) {
        Thread.sleep(50);
      }
      assertThat(orphan.isAlive()).as("sleep outlived the killed JVM").isFalse();
    } finally {
      jvm.destroyForcibly();
    }
  }
}
