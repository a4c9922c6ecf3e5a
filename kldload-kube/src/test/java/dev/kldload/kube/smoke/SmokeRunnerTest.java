package dev.kldload.kube.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.net.NetworkPlan;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SmokeRunnerTest {
  final List<String> notes = new ArrayList<>();

  private SmokeContext context(Duration timeout) {
    return SmokeFixtures.context(
        new InMemorySmokeNode(), notes, false, timeout, Optional.empty(), p -> null);
  }

  private static Check check(String id, Severity severity, Check.Probe probe) {
    return new Check(id, Section.CLUSTER, severity, id, probe);
  }

  @Test
  @DisplayName(
      "a check that hangs is interrupted at its deadline: FAIL (critical) with cause TIMEOUT")
  void hangingCheck() {
    Check hang =
        check(
            "cluster.hang",
            Severity.CRITICAL,
            c -> {
              Thread.sleep(60_000);
              return Verdict.pass("never");
            });
    Check after = check("cluster.after", Severity.CRITICAL, c -> Verdict.pass("ran"));
    long start = System.nanoTime();
    SmokeReport report =
        new SmokeRunner(new CancellationToken(), Clock.systemUTC())
            .run(List.of(hang, after), context(Duration.ofMillis(300)), r -> {});
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    CheckResult hung = report.results().get(0);
    assertThat(hung.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(hung.evidence()).isEqualTo("no answer within 300ms");
    assertThat(hung.cause()).contains(ErrorKind.TIMEOUT);
    assertThat(report.results().get(1).outcome()).isEqualTo(Outcome.PASS);
    assertThat(report.exitCode(false)).as("the only failure hung").isEqualTo(ExitCode.TIMEOUT);
  }

  @Test
  @DisplayName("a problem is FAIL for a critical check and WARN for a warning one")
  void severity() {
    SmokeReport report =
        new SmokeRunner(new CancellationToken(), Clock.systemUTC())
            .run(
                List.of(
                    check("cluster.a", Severity.CRITICAL, c -> Verdict.problem("bad", null)),
                    check("cluster.b", Severity.WARNING, c -> Verdict.problem("meh", null))),
                context(Duration.ofSeconds(5)),
                r -> {});
    assertThat(report.results())
        .extracting(CheckResult::outcome)
        .containsExactly(Outcome.FAIL, Outcome.WARN);
  }

  @Test
  @DisplayName("an exception is the check's FAIL with its message, not the run's end")
  void exception() {
    SmokeReport report =
        new SmokeRunner(new CancellationToken(), Clock.systemUTC())
            .run(
                List.of(
                    check(
                        "cluster.a",
                        Severity.CRITICAL,
                        c -> {
                          throw new KldloadException(
                              ErrorKind.UNAVAILABLE,
                              "list nodes: API server unreachable: refused",
                              "check it");
                        }),
                    check("cluster.b", Severity.CRITICAL, c -> Verdict.pass("fine"))),
                context(Duration.ofSeconds(5)),
                r -> {});
    CheckResult a = report.results().get(0);
    assertThat(a.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(a.evidence()).isEqualTo("list nodes: API server unreachable: refused");
    assertThat(a.hint()).contains("check it");
    assertThat(report.results().get(1).outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  @DisplayName("cancellation interrupts the running check, waits for its cleanup, runs no more")
  void cancellation() throws Exception {
    CancellationToken token = new CancellationToken();
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean cleanedUp = new AtomicBoolean();
    AtomicBoolean secondRan = new AtomicBoolean();
    Check slow =
        check(
            "cluster.slow",
            Severity.CRITICAL,
            c -> {
              try {
                started.countDown();
                Thread.sleep(60_000);
                return Verdict.pass("never");
              } finally {
                cleanedUp.set(true);
              }
            });
    Check second =
        check(
            "cluster.second",
            Severity.CRITICAL,
            c -> {
              secondRan.set(true);
              return Verdict.pass("x");
            });
    Thread canceller =
        new Thread(
            () -> {
              try {
                started.await();
                token.cancel();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    canceller.start();
    SmokeReport report =
        new SmokeRunner(token, Clock.systemUTC())
            .run(List.of(slow, second), context(Duration.ofSeconds(30)), r -> {});
    canceller.join();
    assertThat(report.interrupted()).isTrue();
    assertThat(cleanedUp).isTrue();
    assertThat(secondRan).isFalse();
    assertThat(report.results()).hasSize(1);
    assertThat(report.results().get(0).outcome()).isEqualTo(Outcome.SKIP);
    assertThat(report.exitCode(false)).isEqualTo(ExitCode.INTERRUPTED);
  }

  private static CheckResult result(Outcome o, ErrorKind cause) {
    return new CheckResult(
        "cluster.x",
        Section.CLUSTER,
        Severity.CRITICAL,
        "x",
        o,
        "e",
        Optional.empty(),
        Duration.ZERO,
        Optional.ofNullable(cause));
  }

  private static SmokeReport report(CheckResult... results) {
    return new SmokeReport(SmokeFixtures.NOW, Duration.ZERO, List.of(results), false);
  }

  @Test
  @DisplayName(
      "exit: 0 clean, 1 a critical failure, 3 warnings under --strict, 7 nothing answered, 8 hung")
  void exitCodes() {
    assertThat(report(result(Outcome.PASS, null), result(Outcome.WARN, null)).exitCode(false))
        .isEqualTo(ExitCode.OK);
    assertThat(report(result(Outcome.PASS, null), result(Outcome.WARN, null)).exitCode(true))
        .isEqualTo(ExitCode.DEGRADED);
    assertThat(
            report(result(Outcome.FAIL, null), result(Outcome.FAIL, ErrorKind.UNAVAILABLE))
                .exitCode(false))
        .isEqualTo(ExitCode.FAILED);
    assertThat(
            report(result(Outcome.PASS, null), result(Outcome.FAIL, ErrorKind.UNAVAILABLE))
                .exitCode(false))
        .isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(
            report(
                    result(Outcome.FAIL, ErrorKind.UNAVAILABLE),
                    result(Outcome.FAIL, ErrorKind.TIMEOUT))
                .exitCode(false))
        .isEqualTo(ExitCode.TIMEOUT);
    assertThat(report(result(Outcome.SKIP, null)).exitCode(true)).isEqualTo(ExitCode.OK);
  }

  @Test
  @DisplayName("the catalogue: unique ids under their section, the documented ids exist")
  void catalogue() {
    List<Check> all = SmokeCatalogue.all(NetworkPlan.defaults());
    assertThat(all).extracting(Check::id).doesNotHaveDuplicates();
    assertThat(all)
        .extracting(Check::id)
        .contains(
            "kernel.module.br_netfilter",
            "kernel.sysctl.net.ipv4.ip_forward",
            "swap.off",
            "containerd.socket",
            "containerd.cgroup.systemd",
            "zfs.dataset.etcd",
            "wireguard.wg-mgmt.up",
            "cluster.api",
            "cluster.nodes.ready",
            "cluster.dns");
  }

  @Test
  @DisplayName("--only/--skip select by section, id or id prefix; an unknown name is exit 2")
  void selection() {
    List<Check> all = SmokeCatalogue.all(NetworkPlan.defaults());
    assertThat(SmokeCatalogue.select(all, List.of("swap", "cluster.api"), List.of()))
        .extracting(Check::id)
        .containsExactly("swap.off", "cluster.api");
    assertThat(
            SmokeCatalogue.select(all, List.of("kernel.module"), List.of("kernel.module.ip_vs_sh")))
        .extracting(Check::id)
        .hasSize(6)
        .allMatch(id -> id.startsWith("kernel.module."));
    assertThat(SmokeCatalogue.select(all, List.of(), List.of("cluster")))
        .extracting(Check::section)
        .doesNotContain(Section.CLUSTER);
    assertThatThrownBy(() -> SmokeCatalogue.select(all, List.of("kernal"), List.of()))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT));
    assertThat(Set.copyOf(SmokeCatalogue.select(all, List.of(), List.of()))).hasSize(all.size());
  }
}
