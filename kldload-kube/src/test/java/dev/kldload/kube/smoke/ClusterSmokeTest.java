package dev.kldload.kube.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.HostName;
import dev.kldload.kube.orchestrator.ClusterManifest;
import dev.kldload.kube.orchestrator.ClusterSmoke;
import dev.kldload.kube.orchestrator.NodeRecord;
import dev.kldload.kube.orchestrator.NodeSize;
import dev.kldload.kube.orchestrator.Role;
import dev.kldload.kube.ssh.InMemoryRemoteShell;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.net.NetworkPlan;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The --cluster run over the in-memory SSH servers: a server that answers the remote reader's
 * commands from the healthy fixture node, and a node nothing answers for.
 */
class ClusterSmokeTest {
  @TempDir Path dir;

  /** Answers what {@code RemoteSmokeNode} sends, from a fake node. */
  static InMemoryRemoteShell.Handler serving(InMemorySmokeNode node) {
    return (argv, stdin) -> {
      if (argv.equals(List.of("true"))) {
        return reply(true, "");
      }
      if (argv.get(0).equals("test") && argv.get(1).equals("-e")) {
        return reply(node.exists(argv.get(2)), "");
      }
      if (argv.get(0).equals("sh") && argv.size() == 5 && argv.get(3).equals("sh")) {
        String script = argv.get(2);
        String operand = argv.get(4);
        if (script.startsWith("test -f")) {
          Optional<String> text = node.read(operand);
          return reply(text.isPresent(), text.orElse(""));
        }
        if (script.startsWith("test -d")) {
          return reply(true, String.join("\0", node.list(operand)));
        }
        if (script.startsWith("command -v")) {
          return reply(node.has(operand), "");
        }
      }
      if (argv.get(0).equals("bash") && argv.size() == 7) {
        URI url = URI.create("http://" + argv.get(4) + ":" + argv.get(5) + argv.get(6));
        try {
          SmokeNode.HttpReply r = node.get(url, Duration.ofSeconds(1));
          return reply(true, "HTTP/1.0 " + r.status() + " OK\r\n\r\n" + r.body());
        } catch (KldloadException e) {
          return Optional.of(new InMemoryRemoteShell.Reply(7, "", "connect: Connection refused"));
        }
      }
      return node.run(argv, Duration.ofSeconds(1))
          .map(r -> new InMemoryRemoteShell.Reply(r.exitCode(), r.stdout(), r.stderr()));
    };
  }

  private static Optional<InMemoryRemoteShell.Reply> reply(boolean ok, String out) {
    return Optional.of(new InMemoryRemoteShell.Reply(ok ? 0 : 1, out, ""));
  }

  static NodeRecord node(String name, Role role, String lan, String hostKey) {
    return new NodeRecord(
        name,
        1,
        role,
        1,
        "qemu:///system",
        "52:54:00:00:00:01",
        lan,
        "iid-" + name,
        "10.250.0.1",
        "10.251.0.1",
        "mgmt",
        "k8s",
        hostKey);
  }

  @Test
  @DisplayName(
      "each node's checks run over SSH and name it; a silent node fails its node checks"
          + " without running them; the cluster checks SKIP without the cluster's kubeconfig")
  void oneAnswersOneDoesNot() {
    KnownHosts pins = KnownHosts.at(dir.resolve("known_hosts"));
    InMemoryRemoteShell shell = new InMemoryRemoteShell(pins);
    String key = InMemoryRemoteShell.randomHostKey();
    pins.pin(HostName.of("kldload-cp"), key);
    pins.pin(HostName.of("kldload-w1"), InMemoryRemoteShell.randomHostKey());
    InMemorySmokeNode healthy = SmokeFixtures.healthyNode();
    shell.serve("192.168.122.10", 22, key, serving(healthy));
    NodeSize size = new NodeSize(ByteSize.ofMegabytes(2048), 2);
    ClusterManifest manifest =
        new ClusterManifest(
            "lab",
            "2026-11-30T00:00:00Z",
            size,
            size,
            40L << 30,
            "ssh-ed25519 AAAA admin",
            null,
            List.of(
                node("kldload-cp", Role.CONTROL_PLANE, "192.168.122.10", key),
                node("kldload-w1", Role.WORKER, "192.168.122.11", key)));
    List<Check> checks = SmokeCatalogue.all(NetworkPlan.defaults());
    List<CheckResult> progress = new ArrayList<>();
    ClusterSmoke smoke =
        new ClusterSmoke(
            new ClusterSmoke.Settings(
                NetworkPlan.defaults(),
                SmokeFixtures.PATHS,
                Duration.ofSeconds(5),
                false,
                line -> {},
                p -> {
                  throw new AssertionError("no kubeconfig, no cluster");
                }),
            new CancellationToken(),
            SmokeFixtures.CLOCK);

    SmokeReport report = smoke.run(manifest, shell, checks, Optional.empty(), progress::add);

    List<Check> nodeChecks = checks.stream().filter(c -> c.section() != Section.CLUSTER).toList();
    Map<String, CheckResult> local =
        SmokeFixtures.run(
            nodeChecks, SmokeFixtures.context(SmokeFixtures.healthyNode(), List.of()));
    List<CheckResult> cp = byNode(report, "kldload-cp");
    assertThat(cp).hasSize(nodeChecks.size());
    for (CheckResult r : cp) {
      assertThat(r.outcome())
          .as(r.id() + ": " + r.evidence())
          .isEqualTo(local.get(r.id()).outcome());
    }
    List<CheckResult> worker = byNode(report, "kldload-w1");
    assertThat(worker).hasSize(nodeChecks.size());
    assertThat(worker)
        .allSatisfy(
            r -> {
              assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
              assertThat(r.evidence()).startsWith("unreachable: ");
              assertThat(r.cause()).contains(ErrorKind.UNAVAILABLE);
            });
    List<CheckResult> cluster =
        report.results().stream().filter(r -> r.section() == Section.CLUSTER).toList();
    assertThat(cluster).hasSize(checks.size() - nodeChecks.size());
    assertThat(cluster)
        .allSatisfy(
            r -> {
              assertThat(r.node()).isEmpty();
              assertThat(r.outcome()).isEqualTo(Outcome.SKIP);
              assertThat(r.evidence()).startsWith("no kubeconfig for cluster lab");
            });
    assertThat(report.unreachable()).containsExactly("kldload-w1");
    assertThat(report.exitCode(false)).isEqualTo(ExitCode.FAILED);
    assertThat(progress).hasSize(report.results().size());
    assertThat(healthy.fixes).as("read-only").isEmpty();
  }

  private static List<CheckResult> byNode(SmokeReport report, String node) {
    return report.results().stream().filter(r -> r.node().equals(Optional.of(node))).toList();
  }
}
