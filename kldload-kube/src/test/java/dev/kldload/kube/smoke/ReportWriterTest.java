package dev.kldload.kube.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.process.Programs;
import dev.kldload.core.testing.Requirements;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.maven.plugin.surefire.log.api.NullConsoleLogger;
import org.apache.maven.plugins.surefire.report.ReportTestCase;
import org.apache.maven.plugins.surefire.report.ReportTestSuite;
import org.apache.maven.plugins.surefire.report.TestSuiteXmlParser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each machine format is read back by a real consumer: TAP by Perl's {@code prove}, JUnit XML by
 * surefire's report parser, JSON by Jackson into the documented records.
 */
class ReportWriterTest {
  @TempDir Path dir;

  static CheckResult result(
      String id,
      Section section,
      Severity severity,
      Outcome outcome,
      String evidence,
      String hint) {
    return new CheckResult(
        id,
        section,
        severity,
        "title of " + id,
        outcome,
        evidence,
        Optional.ofNullable(hint),
        Duration.ofMillis(12),
        Optional.empty());
  }

  /** One of each outcome, with characters every format must escape. */
  static SmokeReport sample(boolean withFailure) {
    return new SmokeReport(
        SmokeFixtures.NOW,
        Duration.ofMillis(1234),
        List.of(
            result(
                "kernel.module.overlay",
                Section.KERNEL,
                Severity.CRITICAL,
                Outcome.PASS,
                "loaded, used by 1",
                null),
            withFailure
                ? result(
                    "kernel.module.br_netfilter",
                    Section.KERNEL,
                    Severity.CRITICAL,
                    Outcome.FAIL,
                    "not loaded <#1 & \"quoted\">",
                    "modprobe br_netfilter")
                : result(
                    "kernel.module.br_netfilter",
                    Section.KERNEL,
                    Severity.CRITICAL,
                    Outcome.PASS,
                    "loaded",
                    null),
            result(
                "binaries.helm",
                Section.BINARIES,
                Severity.WARNING,
                Outcome.WARN,
                "helm is not installed",
                "kube-setup installs it"),
            result(
                "cluster.api",
                Section.CLUSTER,
                Severity.CRITICAL,
                Outcome.SKIP,
                "no kubeconfig # here",
                null)),
        false);
  }

  @Test
  @DisplayName("TAP 13 starts with the version and the plan; prove accepts a run without failures")
  void tapPasses() throws Exception {
    String tap = ReportWriter.tap(sample(false));
    assertThat(tap.lines().limit(2)).containsExactly("TAP version 13", "1..4");
    ProveRun run = prove(tap);
    assertThat(run.exit).as(run.output).isZero();
    assertThat(run.output).contains("Result: PASS");
  }

  @Test
  @DisplayName("TAP: prove counts the failure, the skip, and fails the run")
  void tapFails() throws Exception {
    String tap = ReportWriter.tap(sample(true));
    ProveRun run = prove(tap);
    assertThat(run.exit).as(run.output).isNotZero();
    assertThat(run.output)
        .contains("Failed 1/4 subtests", "less 1 skipped subtest", "Failed test:  2")
        .contains("Result: FAIL");
    assertThat(tap)
        .contains("not ok 2 - kernel.module.br_netfilter: not loaded <\\#1 & \"quoted\">");
    assertThat(tap).contains("ok 4 - cluster.api # SKIP no kubeconfig \\# here");
  }

  record ProveRun(int exit, String output) {}

  private ProveRun prove(String tap) throws Exception {
    Requirements.require(Programs.which("prove").isPresent(), "Perl's prove (Debian package perl)");
    Path file = dir.resolve("smoke.tap");
    Files.writeString(file, tap);
    Process p =
        new ProcessBuilder("prove", "-v", "--exec", "cat", file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new ProveRun(p.exitValue(), out);
  }

  @Test
  @DisplayName(
      "JUnit XML: surefire's parser reads one suite per section, failures with evidence, skips")
  void junit() throws Exception {
    String xml = ReportWriter.junit(sample(true));
    List<ReportTestSuite> suites =
        new TestSuiteXmlParser(new NullConsoleLogger())
            .parse(
                new InputStreamReader(
                    new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8));
    Map<String, ReportTestSuite> byName =
        suites.stream().collect(Collectors.toMap(ReportTestSuite::getFullClassName, s -> s));
    assertThat(byName)
        .containsOnlyKeys(
            "kube-smoke-test.kernel", "kube-smoke-test.binaries", "kube-smoke-test.cluster");
    ReportTestSuite kernel = byName.get("kube-smoke-test.kernel");
    assertThat(kernel.getNumberOfTests()).isEqualTo(2);
    assertThat(kernel.getNumberOfFailures()).isEqualTo(1);
    ReportTestCase failed =
        kernel.getTestCases().stream().filter(ReportTestCase::hasFailure).findFirst().orElseThrow();
    assertThat(failed.getName()).isEqualTo("kernel.module.br_netfilter");
    assertThat(failed.getFailureMessage()).isEqualTo("not loaded <#1 & \"quoted\">");
    assertThat(failed.getTime()).isEqualTo(0.012f);
    ReportTestSuite cluster = byName.get("kube-smoke-test.cluster");
    assertThat(cluster.getNumberOfSkipped()).isEqualTo(1);
    assertThat(cluster.getTestCases().get(0).hasSkipped()).isTrue();
    ReportTestSuite binaries = byName.get("kube-smoke-test.binaries");
    assertThat(binaries.getNumberOfFailures()).as("a warning fails nothing").isZero();
  }

  @Test
  @DisplayName("JSON: one object with every result and the counts, read back by Jackson")
  void json() throws Exception {
    String json = ReportWriter.json(sample(true), false);
    ReportWriter.JsonReport back =
        new ObjectMapper().readValue(json, ReportWriter.JsonReport.class);
    assertThat(back.counts()).isEqualTo(new SmokeReport.Counts(1, 1, 1, 1));
    assertThat(back.exitCode()).isEqualTo(1);
    assertThat(back.started()).isEqualTo("2026-11-30T09:00:00Z");
    assertThat(back.elapsedMs()).isEqualTo(1234);
    assertThat(back.results()).hasSize(4);
    ReportWriter.JsonResult failed = back.results().get(1);
    assertThat(failed)
        .isEqualTo(
            new ReportWriter.JsonResult(
                "kernel.module.br_netfilter",
                "kernel",
                "critical",
                "title of kernel.module.br_netfilter",
                "FAIL",
                "not loaded <#1 & \"quoted\">",
                "modprobe br_netfilter",
                12,
                null));
    assertThat(new ObjectMapper().readTree(json).fieldNames())
        .toIterable()
        .containsExactly("started", "elapsedMs", "interrupted", "exitCode", "counts", "results");
  }

  @Test
  @DisplayName(
      "table: sections, result words, hints under problems, the counts; no colour codes unless asked")
  void table() {
    String plain = ReportWriter.table(sample(true), false, false);
    assertThat(plain)
        .contains("=== Kernel Modules and Sysctls ===")
        .contains("  PASS  kernel.module.overlay       loaded, used by 1")
        .contains("  FAIL  kernel.module.br_netfilter  not loaded")
        .contains("hint: modprobe br_netfilter")
        .contains("4 checks in 1.2s: PASS 1  FAIL 1  WARN 1  SKIP 1")
        .contains("1 critical failure: fix before proceeding.")
        .doesNotContain("\u001b[");
    assertThat(ReportWriter.table(sample(true), false, true)).contains("\u001b[1;31mFAIL\u001b[0m");
    assertThat(ReportWriter.table(sample(false), true, false))
        .contains("All critical checks passed. 1 warning (--strict: exit 3).");
  }

  /** A --cluster run: two nodes' node checks (one node silent) and the cluster's check. */
  static SmokeReport clusterSample() {
    CheckResult silent =
        new CheckResult(
            "wireguard.wg-k8s.up",
            Section.WIREGUARD,
            Severity.CRITICAL,
            "wg-k8s is up",
            Outcome.FAIL,
            "unreachable: ssh cp-2: connection refused",
            Optional.of("kube-cluster status"),
            Duration.ZERO,
            Optional.of(ErrorKind.UNAVAILABLE),
            Optional.of("cp-2"));
    return new SmokeReport(
        SmokeFixtures.NOW,
        Duration.ofMillis(500),
        List.of(
            result(
                    "wireguard.wg-k8s.up",
                    Section.WIREGUARD,
                    Severity.CRITICAL,
                    Outcome.PASS,
                    "10.251.0.1/16",
                    null)
                .on("cp-1"),
            silent,
            result(
                "cluster.api",
                Section.CLUSTER,
                Severity.CRITICAL,
                Outcome.SKIP,
                "no kubeconfig for cluster lab",
                null)),
        false,
        Set.of("cp-2"));
  }

  @Test
  @DisplayName(
      "--cluster: each node check names its node in JSON, JUnit (a suite per node), TAP and table;"
          + " a silent node fails the run (exit 1) while another answered")
  void nodeNamed() throws Exception {
    SmokeReport report = clusterSample();
    ReportWriter.JsonReport json =
        new ObjectMapper()
            .readValue(ReportWriter.json(report, false), ReportWriter.JsonReport.class);
    assertThat(json.results())
        .extracting(ReportWriter.JsonResult::node)
        .containsExactly("cp-1", "cp-2", null);
    assertThat(json.unreachable()).containsExactly("cp-2");
    assertThat(json.exitCode()).isEqualTo(1);

    List<ReportTestSuite> suites =
        new TestSuiteXmlParser(new NullConsoleLogger())
            .parse(
                new InputStreamReader(
                    new ByteArrayInputStream(
                        ReportWriter.junit(report).getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8));
    assertThat(suites)
        .extracting(ReportTestSuite::getFullClassName)
        .containsExactly("kube-smoke-test.cp-1", "kube-smoke-test.cp-2", "kube-smoke-test.cluster");
    assertThat(suites.get(1).getNumberOfFailures()).isEqualTo(1);
    assertThat(suites.get(1).getTestCases().get(0).getFailureMessage())
        .isEqualTo("unreachable: ssh cp-2: connection refused");

    String tap = ReportWriter.tap(report);
    ProveRun run = prove(tap);
    assertThat(run.exit).as(run.output).isNotZero();
    assertThat(run.output).contains("Failed 1/3 subtests");
    assertThat(tap)
        .contains("ok 1 - cp-1: wireguard.wg-k8s.up: 10.251.0.1/16")
        .contains("not ok 2 - cp-2: wireguard.wg-k8s.up: unreachable")
        .contains("  node: \"cp-2\"");
    assertThat(ReportWriter.table(report, false, false))
        .contains("  PASS  cp-1: wireguard.wg-k8s.up  10.251.0.1/16")
        .contains("  FAIL  cp-2: wireguard.wg-k8s.up  unreachable: ssh cp-2: connection refused");
  }

  @Test
  @DisplayName("--cluster: exit 7 only when nothing answered at all, neither node nor API")
  void nothingAnswered() {
    SmokeReport report = clusterSample();
    SmokeReport silent =
        new SmokeReport(
            report.started(),
            report.elapsed(),
            report.results().subList(1, 3),
            false,
            report.unreachable());
    assertThat(silent.exitCode(false)).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(report.exitCode(false)).isEqualTo(ExitCode.FAILED);
  }

  @Test
  @DisplayName("the run log gets one line per run and is rotated to .old past 2 MB")
  void log() throws Exception {
    Path log = dir.resolve("var/log/kldload/kube-smoke-test.log");
    SmokeLog.append(log, SmokeFixtures.NOW, new SmokeReport.Counts(30, 1, 2, 3));
    SmokeLog.append(log, SmokeFixtures.NOW, new SmokeReport.Counts(31, 0, 2, 3));
    assertThat(Files.readAllLines(log))
        .containsExactly(
            "2026-11-30T09:00:00Z pass=30 fail=1 warn=2 skip=3",
            "2026-11-30T09:00:00Z pass=31 fail=0 warn=2 skip=3");
    Files.writeString(log, "x".repeat((int) SmokeLog.ROTATE_BYTES + 1));
    SmokeLog.append(log, SmokeFixtures.NOW, new SmokeReport.Counts(1, 0, 0, 0));
    assertThat(Files.readAllLines(log))
        .containsExactly("2026-11-30T09:00:00Z pass=1 fail=0 warn=0 skip=0");
    assertThat(Files.size(dir.resolve("var/log/kldload/kube-smoke-test.log.old")))
        .isEqualTo(SmokeLog.ROTATE_BYTES + 1);
  }
}
