package dev.kldload.kube.smoke;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.core.ExitCode;
import dev.kldload.core.io.PrivateFiles;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The last {@code kube-smoke-test --cluster} result of a cluster, kept in its state directory
 * ({@value #FILE}) for {@code kube-cluster status}: when it ran, the four counts, the exit status
 * and its verdict word.
 *
 * @param verdict {@code passed} (exit 0), {@code warnings} (3), {@code unreachable} (7), {@code
 *     timed-out} (8), {@code interrupted} (130), else {@code failed}
 */
public record LastSmoke(String time, SmokeReport.Counts counts, int exitCode, String verdict) {
  public static final String FILE = "smoke.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  public static LastSmoke of(SmokeReport report, boolean strict) {
    ExitCode exit = report.exitCode(strict);
    String verdict =
        switch (exit) {
          case OK -> "passed";
          case DEGRADED -> "warnings";
          case UNAVAILABLE -> "unreachable";
          case TIMEOUT -> "timed-out";
          case INTERRUPTED -> "interrupted";
          default -> "failed";
        };
    return new LastSmoke(
        report.started().truncatedTo(ChronoUnit.SECONDS).toString(),
        report.counts(),
        exit.code(),
        verdict);
  }

  /** Replaces the cluster's record (atomically, 0600 as everything in the state directory). */
  public void save(Path clusterDir) {
    try {
      PrivateFiles.write(clusterDir.resolve(FILE), JSON.writeValueAsString(this) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("smoke result does not serialise", e);
    }
  }

  /** The cluster's record; empty when no --cluster run wrote one, or it cannot be read. */
  public static Optional<LastSmoke> load(Path clusterDir) {
    return PrivateFiles.read(clusterDir.resolve(FILE))
        .flatMap(
            text -> {
              try {
                return Optional.of(JSON.readValue(text, LastSmoke.class));
              } catch (JsonProcessingException e) {
                return Optional.empty();
              }
            });
  }

  /** "2026-11-30T14:00:00Z: passed (pass 40, fail 0, warn 2, skip 2)". */
  public String line() {
    return time
        + ": "
        + verdict
        + " (pass "
        + counts.pass()
        + ", fail "
        + counts.fail()
        + ", warn "
        + counts.warn()
        + ", skip "
        + counts.skip()
        + ")";
  }
}
