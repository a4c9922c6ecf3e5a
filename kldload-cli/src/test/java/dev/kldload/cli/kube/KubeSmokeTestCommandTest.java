package dev.kldload.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.cli.CliHarness;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-smoke-test end to end in-process, on a scratch node root (its /proc and /etc are files the
 * test writes) with a process runner that records instead of running.
 */
class KubeSmokeTestCommandTest {
  @TempDir Path dir;
  Path root;
  Path log;

  /** File-based checks only: they read the scratch root, nothing of this machine. */
  static final List<String> FILE_CHECKS =
      List.of(
          "--only", "swap",
          "--only", "kernel.sysctl",
          "--only", "containerd.cgroup.systemd",
          "--only", "containerd.crictl");

  @BeforeEach
  void node() throws Exception {
    root = dir.resolve("root");
    log = dir.resolve("log/kube-smoke-test.log");
    write("proc/sys/net/ipv4/ip_forward", "1\n");
    write("proc/sys/net/bridge/bridge-nf-call-iptables", "1\n");
    write("proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
    write("etc/containerd/config.toml", "version = 2\n  SystemdCgroup = true\n");
    write("etc/crictl.yaml", "runtime-endpoint: unix:///run/containerd/containerd.sock\n");
  }

  private void write(String relative, String content) throws Exception {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  private RecordingCli cli() {
    return new RecordingCli()
        .env("KLDLOAD_NODE_ROOT", root.toString())
        .env("KLDLOAD_KUBE_SMOKE_TEST_LOG", log.toString())
        .env("HOME", dir.toString());
  }

  private CliHarness.Result run(RecordingCli cli, List<String> selection, String... args) {
    List<String> all = new ArrayList<>(List.of("kube-smoke-test"));
    all.addAll(selection);
    all.addAll(List.of(args));
    return cli.exec(all.toArray(String[]::new));
  }

  @Test
  @DisplayName("all selected checks pass: exit 0, sections and counts on stdout, one log line")
  void passes() throws Exception {
    CliHarness.Result r = run(cli(), FILE_CHECKS);
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("=== Kernel Modules and Sysctls ===", "=== Swap ===", "=== Containerd ===")
        .contains("  PASS  kernel.sysctl.net.ipv4.ip_forward")
        .contains("5 checks in ")
        .contains("PASS 5  FAIL 0  WARN 0  SKIP 0")
        .contains("All critical checks passed.")
        .doesNotContain("\u001b[");
    assertThat(r.err()).as(r.toString()).isEmpty();
    assertThat(Files.readAllLines(log))
        .singleElement()
        .satisfies(l -> assertThat(l).matches("\\d{4}-.*Z pass=5 fail=0 warn=0 skip=0"));
  }

  @Test
  @DisplayName("a critical failure exits 1 with the hint; the node is not changed without --fix")
  void fails() throws Exception {
    write("proc/sys/net/ipv4/ip_forward", "0\n");
    RecordingCli cli = cli();
    CliHarness.Result r = run(cli, FILE_CHECKS);
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.out())
        .contains("  FAIL  kernel.sysctl.net.ipv4.ip_forward")
        .contains("hint: sysctl -w net.ipv4.ip_forward=1")
        .contains("1 critical failure: fix before proceeding.");
    assertThat(cli.ran).isEmpty();
  }

  @Test
  @DisplayName("warnings exit 0, and 3 under --strict")
  void strict() throws Exception {
    Files.delete(root.resolve("etc/crictl.yaml"));
    assertThat(run(cli(), FILE_CHECKS).exit()).isZero();
    CliHarness.Result r = run(cli(), FILE_CHECKS, "--strict");
    assertThat(r.exit()).as(r.toString()).isEqualTo(3);
    assertThat(r.out()).contains("  WARN  containerd.crictl", "(--strict: exit 3)");
  }

  @Test
  @DisplayName("--fix runs modprobe for a missing module, through the process runner")
  void fix() throws Exception {
    write("proc/modules", "overlay 163840 0 - Live 0x0\n");
    RecordingCli cli = cli();
    CliHarness.Result r = run(cli, List.of("--only", "kernel.module.br_netfilter"), "--fix");
    assertThat(cli.ran)
        .extracting(s -> String.join(" ", s.argv()))
        .containsExactly("modprobe br_netfilter");
    // the recording runner answers 0 but loads nothing: the check says so
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("modprobe br_netfilter exited 0 but the module is not loaded");
  }

  @Test
  @DisplayName("-o tap on stdout and --report FILE.xml beside it; -o json is one parsable object")
  void formats() throws Exception {
    Path xml = dir.resolve("smoke.xml");
    CliHarness.Result tap = run(cli(), FILE_CHECKS, "-o", "tap", "--report", xml.toString());
    assertThat(tap.exit()).as(tap.toString()).isZero();
    assertThat(tap.out().lines().limit(2)).containsExactly("TAP version 13", "1..5");
    assertThat(Files.readString(xml))
        .startsWith("<?xml")
        .contains("<testsuite name=\"kube-smoke-test.kernel\" tests=\"2\"");
    CliHarness.Result json = run(cli(), FILE_CHECKS, "-o", "json");
    JsonNode doc = new ObjectMapper().readTree(json.out());
    assertThat(doc.path("counts").path("pass").asInt()).isEqualTo(5);
    assertThat(doc.path("results")).hasSize(5);
    assertThat(doc.path("results").get(0).path("id").asText())
        .isEqualTo("kernel.sysctl.net.ipv4.ip_forward");
  }

  @Test
  @DisplayName("--list shows the catalogue, runs nothing and writes no log")
  void list() throws Exception {
    RecordingCli cli = cli();
    CliHarness.Result r = cli.exec("kube-smoke-test", "--list", "--only", "kernel", "-o", "json");
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode items = new ObjectMapper().readTree(r.out()).path("items");
    assertThat(items).hasSize(9);
    assertThat(items.get(1).path("id").asText()).isEqualTo("kernel.module.br_netfilter");
    assertThat(items.get(1).path("severity").asText()).isEqualTo("critical");
    assertThat(cli.ran).isEmpty();
    assertThat(log).doesNotExist();
  }

  @Test
  @DisplayName("usage errors exit 2 with one error line: unknown check, report extension, timeout")
  void usage() {
    CliHarness.Result unknown = cli().exec("kube-smoke-test", "--only", "kernal");
    assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("error: kube-smoke-test: no check or section 'kernal'");
    CliHarness.Result ext =
        cli().exec("kube-smoke-test", "--report", dir.resolve("r.txt").toString());
    assertThat(ext.exit()).as(ext.toString()).isEqualTo(2);
    CliHarness.Result time = cli().exec("kube-smoke-test", "--timeout", "soon");
    assertThat(time.exit()).as(time.toString()).isEqualTo(2);
    assertThat(time.err()).contains("'soon' is not a duration");
    assertThat(log).doesNotExist();
  }

  @Test
  @DisplayName("no API server behind the kubeconfig: cluster.api FAILs, the rest SKIP, exit 7")
  void unreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path config = dir.resolve("admin.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: c",
            "  cluster:",
            "    server: https://127.0.0.1:" + port,
            "    insecure-skip-tls-verify: true",
            "users:",
            "- name: u",
            "  user:",
            "    token: t",
            "contexts:",
            "- name: x",
            "  context: {cluster: c, user: u}",
            "current-context: x",
            ""));
    CliHarness.Result r =
        cli()
            .exec(
                "kube-smoke-test",
                "--only",
                "cluster",
                "--kubeconfig",
                config.toString(),
                "--timeout",
                "10s");
    assertThat(r.exit()).as(r.toString()).isEqualTo(7);
    assertThat(r.out())
        .contains("  FAIL  cluster.api", "API server unreachable", "  SKIP  cluster.nodes.ready");
  }
}
