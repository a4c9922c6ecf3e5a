package dev.kldload.kube.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessResult;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SmokeNode} must do, checked on shape rather than values: the real reader runs
 * it against this machine's /proc, the SSH reader against OpenSSH on 127.0.0.1, the in-memory fake
 * against its fixture.
 */
abstract class SmokeNodeContract {
  static final Duration T = Duration.ofSeconds(10);

  /** A node with /proc as Linux has it, {@code sh} installed. */
  abstract SmokeNode node();

  /** A loopback URL that answers 200 with {@code up 1\n}. */
  abstract URI metricsUrl();

  /** A loopback URL nothing listens on. */
  abstract URI refusedUrl();

  @Test
  @DisplayName("GET on loopback returns status and body; nothing listening is UNAVAILABLE")
  void loopbackGet() {
    assertThat(node().get(metricsUrl(), T)).isEqualTo(new SmokeNode.HttpReply(200, "up 1\n"));
    assertThatThrownBy(() -> node().get(refusedUrl(), T))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
              assertThat(e.getMessage()).startsWith("GET " + refusedUrl() + ": ");
            });
  }

  @Test
  @DisplayName("GET beyond loopback is refused before any connection: names, LAN addresses")
  void notLoopback() {
    for (String url :
        List.of(
            "http://example.com/metrics",
            "http://10.251.0.1:9962/metrics",
            "http://localhost:9962/")) {
      assertThatThrownBy(() -> node().get(URI.create(url), T))
          .as(url)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @DisplayName("a missing file reads as empty, not as an error")
  void missingFile() {
    assertThat(node().read("/nonexistent-kldload/x")).isEmpty();
    assertThat(node().exists("/nonexistent-kldload/x")).isFalse();
  }

  @Test
  @DisplayName("a sysctl reads as its value: ip_forward is 0 or 1")
  void sysctl() {
    assertThat(node().read("/proc/sys/net/ipv4/ip_forward").map(String::strip))
        .hasValueSatisfying(v -> assertThat(v).isIn("0", "1"));
  }

  @Test
  @DisplayName("/proc/swaps starts with its header; /proc/modules, where present, has ≥3 fields")
  void procTables() {
    assertThat(node().read("/proc/swaps"))
        .hasValueSatisfying(s -> assertThat(s).startsWith("Filename"));
    node()
        .read("/proc/modules")
        .ifPresent(
            m ->
                m.lines()
                    .filter(l -> !l.isBlank())
                    .forEach(l -> assertThat(l.split("\\s+").length).isGreaterThanOrEqualTo(3)));
  }

  @Test
  @DisplayName("a directory lists its entries by name, sorted; a missing one lists nothing")
  void list() {
    List<String> net = node().list("/proc/sys/net");
    assertThat(net).contains("ipv4").isSorted();
    assertThat(node().exists("/proc/sys/net/ipv4")).isTrue();
    assertThat(node().list("/nonexistent-kldload")).isEmpty();
  }

  @Test
  @DisplayName("a program not installed is empty, neither an error nor a run")
  void missingProgram() {
    assertThat(node().has("kldload-no-such-program")).isFalse();
    assertThat(node().run(List.of("kldload-no-such-program", "--version"), T)).isEmpty();
  }

  @Test
  @DisplayName("a command's non-zero exit is a result with its output, not an exception")
  void failingCommand() {
    assertThat(node().has("sh")).isTrue();
    Optional<ProcessResult> r =
        node().run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), T);
    assertThat(r).isPresent();
    assertThat(r.get().exitCode()).isEqualTo(3);
    assertThat(r.get().stdout()).isEqualTo("out\n");
    assertThat(r.get().stderr()).isEqualTo("err\n");
  }
}
