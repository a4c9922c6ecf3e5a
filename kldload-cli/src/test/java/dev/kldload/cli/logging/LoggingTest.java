package dev.kldload.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LoggingTest {
  private static final String PEM =
      "-----BEGIN OPENSSH PRIVATE KEY-----\n"
          + "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
          + "-----END OPENSSH PRIVATE KEY-----";

  @Test
  @DisplayName(
      "private keys, WireGuard keys, tokens and bearer credentials never survive redaction")
  void redacts() {
    assertThat(Redactor.redact("key:\n" + PEM + "\nafter")).isEqualTo("key:\n<redacted>\nafter");
    assertThat(Redactor.redact("PrivateKey = aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd28="))
        .isEqualTo("PrivateKey = <redacted>");
    assertThat(Redactor.redact("PublicKey = aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd28="))
        .contains("aGVsbG8");
    assertThat(Redactor.redact("kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef"))
        .doesNotContain("abcdef.0123")
        .contains("--token <redacted>");
    assertThat(Redactor.redact("Authorization: Bearer eyJhbGciOi.xyz")).doesNotContain("eyJ");
    assertThat(Redactor.redact("token: s3cr3t")).isEqualTo("token: <redacted>");
    assertThat(Redactor.redact("--certificate-key=0a1b2c")).doesNotContain("0a1b2c");
  }

  @Test
  @DisplayName("a private key written to stderr line by line is dropped from BEGIN to END")
  void redactsLineByLine() {
    Redactor r = new Redactor();
    StringBuilder kept = new StringBuilder();
    for (String line : ("before\n" + PEM + "\nafter").split("\n")) {
      String out = r.redactLine(line);
      if (out != null) {
        kept.append(out).append('\n');
      }
    }
    assertThat(kept.toString()).isEqualTo("before\n<redacted>\nafter\n");
  }

  @Test
  @DisplayName("a run is logged as the tool it runs, not as kldload")
  void toolName() {
    assertThat(Logging.tool("/usr/bin/ksnap", "auto")).isEqualTo("ksnap");
    assertThat(Logging.tool("kldload", "--config", "/etc/x.yaml", "-v", "kvm-list"))
        .isEqualTo("kvm-list");
    assertThat(Logging.tool("kldload", "--version")).isEqualTo("kldload");
  }

  @Test
  @DisplayName("-q errors, default warnings, -v info, -vv debug, -vvv trace")
  void levels() {
    assertThat(LogConfigurator.shown(-1)).isEqualTo(Level.ERROR);
    assertThat(LogConfigurator.shown(0)).isEqualTo(Level.WARN);
    assertThat(LogConfigurator.shown(1)).isEqualTo(Level.INFO);
    assertThat(LogConfigurator.shown(2)).isEqualTo(Level.DEBUG);
    assertThat(LogConfigurator.shown(3)).isEqualTo(Level.TRACE);
  }

  @Test
  @DisplayName(
      "without a terminal: stderr lines and library lines reach <dir>/<tool>.log,"
          + " redacted, library warnings are shown on stderr in the suite's style, and a full log"
          + " file is rotated")
  void fileLogAndRotation(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream shown = new ByteArrayOutputStream();
    PrintStream stderr = new PrintStream(shown, true, StandardCharsets.UTF_8);
    Logging logging = Logging.of("ksnap", false, stderr, dir);
    logging.install();
    Path log = dir.resolve("ksnap.log");
    Files.write(log, new byte[(int) LogConfigurator.MAX_SIZE.getSize() + 1]);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new LogConfigurator().configure(context);

    PrintStream tee = logging.stderr();
    tee.println("error: ksnap: token: s3cr3t was refused");
    context.getLogger("io.fabric8.Example").warn("watch closed");
    context.getLogger("io.fabric8.Example").debug("not shown, not logged");
    context.stop();

    assertThat(dir.resolve("ksnap.log.1")).as("the full file was rotated").exists();
    String text = Files.readString(log);
    assertThat(text)
        .contains(
            "ksnap[" + ProcessHandle.current().pid() + "] ERROR error: ksnap: token: <redacted>")
        .contains("WARN io.fabric8.Example: watch closed")
        .doesNotContain("s3cr3t", "not shown");
    assertThat(shown.toString(StandardCharsets.UTF_8))
        .contains("error: ksnap: token: s3cr3t was refused") // stderr itself is not rewritten
        .contains("warning: watch closed")
        .doesNotContain("not shown");
  }
}
