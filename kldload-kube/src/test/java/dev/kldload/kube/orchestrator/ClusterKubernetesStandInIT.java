package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.ExitCode;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanCuts;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.ProgressListener;
import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepOutcome;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.cluster.NodeInfo;
import dev.kldload.kube.cluster.fabric8.Fabric8Cluster;
import dev.kldload.kube.cluster.fabric8.Fabric8KubeconfigFiles;
import dev.kldload.kube.node.StackLock;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kube.ssh.jsch.JschRemoteShell;
import dev.kldload.net.NetworkPlan;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes phases against STAND-IN nodes — NOT a real cluster: real OpenSSH servers (one per
 * node, key-only, host keys pinned) whose kube-init, kube-join, kubeadm and kubectl are recording
 * scripts ({@link StandInScripts}), and fabric8's mock API server in CRUD mode (a mock) behind the
 * Cluster port's fabric8 adapter.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ClusterKubernetesStandInIT {
  static final String KUBE_VIP = "registry.example/kube-vip/kube-vip:v1.2.4";
  KubernetesMockServer server;

  @TempDir Path dir;

  @BeforeEach
  void require() {
    Requirements.require(Requirements.isRoot(), "stand-in nodes mount in their own namespaces");
    for (String program : List.of("ssh-keygen", "unshare", "curl")) {
      Requirements.require(Requirements.onPath(program), "needs " + program);
    }
    Requirements.require(
        Files.isExecutable(Path.of("/usr/sbin/sshd")), "needs /usr/sbin/sshd (openssh-server)");
  }

  /** The nodes, the orchestrator's part on them, and the logs it writes. */
  private final class Bed implements AutoCloseable {
    final ClusterManifest manifest;
    final StandInNodes nodes;
    final RemoteShell shell;
    final ClusterKubernetes kubernetes;
    final Path userKubeconfig;
    final Path logs;
    final List<String> finished = new ArrayList<>();

    Bed(int cps, int workers) throws Exception {
      List<NodeRecord> records = new ArrayList<>();
      for (int i = 1; i <= cps + workers; i++) {
        boolean cp = i <= cps;
        records.add(
            new NodeRecord(
                cp ? "cp-" + i : "w-" + (i - cps),
                i,
                cp ? Role.CONTROL_PLANE : Role.WORKER,
                cp ? i : i - cps,
                "test:///default",
                "52:54:00:00:00:0" + i,
                "192.168.122." + (10 + i),
                "iid-" + i,
                "10.250.0." + i + "/24",
                "10.251.0." + i + "/24",
                "mgmt-key",
                "k8s-key",
                "ssh-ed25519 AAAA"));
      }
      // one mock API per test method: each bed starts from an empty one
      try (KubernetesClient client = client()) {
        client.nodes().delete();
        client.pods().inNamespace(ClusterKubernetes.SYSTEM_NAMESPACE).delete();
      }
      NodeSize size = new NodeSize(ByteSize.ofGigabytes(2), 2);
      manifest =
          new ClusterManifest(
              "lab", "2026-11-30T00:00:00Z", size, size, 1L << 30, "admin", "golden", records);
      Path home = Files.createDirectories(dir.resolve("run-" + System.nanoTime()));
      nodes = StandInNodes.start(home.resolve("nodes"), records, server.url("/"));
      shell = new JschRemoteShell(nodes.clientKey, nodes.knownHosts, Duration.ofSeconds(10));
      userKubeconfig = home.resolve("user/.kube/config");
      logs = home.resolve("log");
      kubernetes =
          new ClusterKubernetes(
              NetworkPlan.defaults(),
              shell,
              nodes::target,
              new Fabric8KubeconfigFiles(),
              (kubeconfig, token) -> apiClient(token),
              Files.createDirectories(home.resolve("state/clusters/lab")),
              userKubeconfig,
              logs,
              new ClusterKubernetes.Deadlines(
                  Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofSeconds(20), 3),
              Conditions::system,
              () -> KUBE_VIP);
    }

    Plan plan() {
      return Plan.builder("kube-lab")
          .addAll(kubernetes.steps(manifest, Phase.VERIFY, List.of()))
          .build();
    }

    PlanResult run(Plan plan) {
      PlanEngine engine =
          new PlanEngine(
              8,
              Optional.empty(),
              new ProgressListener() {
                @Override
                public void stepFinished(StepOutcome outcome) {
                  synchronized (finished) {
                    finished.add(outcome.stepId() + " " + outcome.status());
                  }
                }
              },
              new CancellationToken(),
              Clock.systemUTC());
      return engine.run(plan, false);
    }

    List<String> calls(String node, String program) throws Exception {
      return nodes.node(node).calls().stream()
          .filter(l -> l.split(" ")[1].equals(program))
          .toList();
    }

    @Override
    public void close() {
      shell.close();
      nodes.close();
    }
  }

  private Cluster apiClient(CancellationToken token) {
    return new Fabric8Cluster(client(), Conditions.system(token));
  }

  private KubernetesClient client() {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder().withMasterUrl(server.url("/")).build())
        .build();
  }

  private static long nanos(String line) {
    return Long.parseLong(line.split(" ")[0]);
  }

  private static String outcomes(PlanResult result) {
    StringBuilder out = new StringBuilder();
    for (StepOutcome o : result.outcomes()) {
      out.append(o.stepId())
          .append(' ')
          .append(o.status())
          .append(o.error().map(e -> ": " + e.getMessage()).orElse(""))
          .append('\n');
    }
    return out.toString();
  }

  @Test
  @DisplayName(
      "three control planes behind the VIP and two workers: phases in order, control planes join"
          + " in turn, workers at once, each with its own token; kubeconfig kept and merged; no"
          + " password; a re-run changes nothing")
  void bootstrapsEveryPhaseOnStandInNodes() throws Exception {
    try (Bed bed = new Bed(3, 2)) {
      long start = System.nanoTime();
      PlanResult result = bed.run(bed.plan());
      long firstRun = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertThat(result.exitCode()).as(outcomes(result)).isEqualTo(ExitCode.OK);

      // phases: control plane, kubeconfig, the joins, verify last
      List<String> order = bed.finished.stream().map(s -> s.split(" ")[0]).toList();
      assertThat(order.get(0)).isEqualTo("kube/control-plane/cp-1");
      assertThat(order.get(1)).isEqualTo(ClusterKubernetes.KUBECONFIG_STEP);
      assertThat(order.get(order.size() - 1)).isEqualTo(ClusterKubernetes.VERIFY_STEP);

      // kube-init once on cp-1, with the VIP (.240 of the host network) and the cluster's name
      List<String> init = bed.calls("cp-1", "kube-init");
      assertThat(init).hasSize(1);
      assertThat(init.get(0))
          .contains("--id 1", "--node-name cp-1", "--node-ip 192.168.122.11", "--cluster-name lab")
          .contains("--vip 192.168.122.240");
      long initAt = nanos(init.get(0));
      for (String node : List.of("cp-2", "cp-3", "w-1", "w-2")) {
        List<String> join = bed.calls(node, "kube-join");
        assertThat(join).as(node).hasSize(1);
        assertThat(nanos(join.get(0))).as(node + " joins after kube-init").isGreaterThan(initAt);
        assertThat(join.get(0))
            .contains("--join-command /etc/kldload/join-command", "192.168.122.240:6443");
      }
      assertThat(bed.calls("cp-2", "kube-join").get(0))
          .contains(
              "--control-plane",
              "--certificate-key-file /etc/kldload/certificate-key",
              "--advertise-address 10.251.0.2",
              "--vip 192.168.122.240 --kube-vip-image " + KUBE_VIP);
      assertThat(bed.calls("w-1", "kube-join").get(0)).doesNotContain("--control-plane");

      // control planes in turn; workers overlapping
      long[] cp2 = window(bed, "cp-2");
      long[] cp3 = window(bed, "cp-3");
      long[] w1 = window(bed, "w-1");
      long[] w2 = window(bed, "w-2");
      assertThat(cp2[1]).as("cp-2 joined before cp-3 started").isLessThan(cp3[0]);
      assertThat(Math.max(w1[0], w2[0]))
          .as("the workers' joins overlap in time")
          .isLessThan(Math.min(w1[1], w2[1]));
      for (String worker : List.of("w-1", "w-2")) {
        assertThat(bed.nodes.node(worker).recorded("saw"))
            .as(worker + " was joining while every worker's join had started")
            .contains("w-1", "w-2");
      }

      // a fresh token for each join, minted on cp-1; each node was handed its own
      List<String> minted = bed.nodes.node("cp-1").recorded("tokens");
      assertThat(minted).hasSize(4).doesNotHaveDuplicates();
      List<String> handed = new ArrayList<>();
      for (String node : List.of("cp-2", "cp-3", "w-1", "w-2")) {
        handed.addAll(bed.nodes.node(node).recorded("join-tokens"));
      }
      assertThat(handed).containsExactlyInAnyOrderElementsOf(minted);
      assertThat(bed.nodes.node("cp-1").recorded("certificate-keys")).hasSize(2);

      // the API: every node Ready, workers labelled
      try (Cluster api = apiClient(new CancellationToken())) {
        assertThat(api.nodes()).extracting(NodeInfo::name).hasSize(5);
        assertThat(api.node("w-1").orElseThrow().labels())
            .containsKey(ClusterKubernetes.WORKER_LABEL);
        assertThat(api.node("cp-2").orElseThrow().labels())
            .doesNotContainKey(ClusterKubernetes.WORKER_LABEL);
      }

      // kubeconfig: kept 0600 with the VIP's URL, merged as context "lab"
      Path kept = bed.kubernetes.kubeconfig();
      assertThat(Files.readString(kept)).contains("https://192.168.122.240:6443");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)))
          .isEqualTo("rw-------");
      assertThat(new Fabric8KubeconfigFiles().hasContext(bed.userKubeconfig, "lab")).isTrue();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bed.userKubeconfig)))
          .isEqualTo("rw-------");

      // one log per node on the host
      for (String node : List.of("cp-2", "cp-3", "w-1", "w-2")) {
        assertThat(bed.logs.resolve("kube-join-" + node + ".log"))
            .content()
            .contains("joined the cluster");
      }
      assertThat(bed.logs.resolve("kube-init-cp-1.log")).exists();

      assertNoPassword(bed);

      // the summary: LAN to WireGuard addresses, Ready
      StackLock lock =
          new StackLock(
              "v1.32.3",
              List.of(),
              List.of(),
              List.of(
                  new StackLock.Artifact("cilium", "1.16.5", "c.tgz", "0".repeat(64), null, null)),
              List.of(),
              List.of(),
              "amd64");
      assertThat(bed.kubernetes.summary(bed.manifest, Duration.ofSeconds(75), Optional.of(lock)))
          .anyMatch(l -> l.contains("w-2") && l.contains("192.168.122.15 -> 10.250.0.5"))
          .anyMatch(l -> l.contains("1m15s"))
          .contains("stack: Kubernetes v1.32.3, cilium 1.16.5, 0 images");

      // a re-run: everything already done, nothing called again
      bed.finished.clear();
      long again = System.nanoTime();
      PlanResult rerun = bed.run(bed.plan());
      assertThat(rerun.outcomes())
          .as(outcomes(rerun))
          .allMatch(o -> o.status() == StepStatus.ALREADY_DONE);
      assertThat(bed.calls("cp-1", "kube-init")).hasSize(1);
      assertThat(bed.nodes.node("cp-1").recorded("tokens")).hasSize(4);
      System.out.printf(
          "stand-in bootstrap 3 cps + 2 workers: %d ms; re-run %d ms%n",
          firstRun, Duration.ofNanos(System.nanoTime() - again).toMillis());
    }
  }

  private static long[] window(Bed bed, String node) throws Exception {
    String[] w = bed.nodes.node(node).recorded("window").get(0).split(" ");
    return new long[] {Long.parseLong(w[0]), Long.parseLong(w[1])};
  }

  /** Nothing the nodes were given, nor any log, carries a password or sshpass. */
  private static void assertNoPassword(Bed bed) throws Exception {
    List<String> text = new ArrayList<>();
    for (StandInNodes.Node node : bed.nodes.all()) {
      text.addAll(node.calls());
    }
    try (Stream<Path> files = Files.walk(bed.logs)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        text.addAll(Files.readAllLines(f));
      }
    }
    text.addAll(bed.nodes.sshdLogs());
    assertThat(text)
        .isNotEmpty()
        .noneMatch(l -> l.toLowerCase(Locale.ROOT).contains("password"))
        .noneMatch(l -> l.contains("sshpass"));
    assertThat(bed.nodes.sshdLogs()).anyMatch(l -> l.contains("Accepted publickey for root"));
  }

  @Test
  @DisplayName(
      "a worker that never joins leaves the others joined: exit 3 naming it, one token per attempt")
  void oneFailingWorkerEndsDegraded() throws Exception {
    try (Bed bed = new Bed(1, 2)) {
      bed.nodes.node("w-2").failNext("join-attempt", false);
      PlanResult result = bed.run(bed.plan());
      assertThat(result.exitCode()).as(outcomes(result)).isEqualTo(ExitCode.DEGRADED);
      StepOutcome failed =
          result.outcomes().stream()
              .filter(o -> o.status() == StepStatus.FAILED)
              .findFirst()
              .orElseThrow();
      assertThat(failed.stepId()).isEqualTo("kube/join/w-2");
      assertThat(failed.error().orElseThrow().getMessage()).contains("w-2 did not join");
      try (Cluster api = apiClient(new CancellationToken())) {
        assertThat(api.node("w-1")).get().extracting(NodeInfo::ready).isEqualTo(true);
        assertThat(api.node("w-2")).isEmpty();
      }
      // three attempts, three distinct tokens
      List<String> tokens = bed.nodes.node("w-2").recorded("join-tokens");
      assertThat(tokens).hasSize(3).doesNotHaveDuplicates();
      assertThat(bed.logs.resolve("kube-join-w-2.log")).content().contains("token expired");
    }
  }

  @Test
  @DisplayName("a join attempt that fails is retried with a fresh token and the node joins")
  void retriesAJoinWithAFreshToken() throws Exception {
    try (Bed bed = new Bed(1, 1)) {
      bed.nodes.node("w-1").failNext("join-attempt", true);
      PlanResult result = bed.run(bed.plan());
      assertThat(result.exitCode()).as(outcomes(result)).isEqualTo(ExitCode.OK);
      List<String> tokens = bed.nodes.node("w-1").recorded("join-tokens");
      assertThat(tokens).hasSize(2).doesNotHaveDuplicates();
      // one control plane: the API at its wg-k8s address, no VIP
      assertThat(Files.readString(bed.kubernetes.kubeconfig())).contains("https://10.251.0.1:6443");
      assertThat(bed.calls("cp-1", "kube-init").get(0)).doesNotContain("--vip");
    }
  }

  @Test
  @DisplayName(
      "a failure injected at each step: exit 3 naming it, then a re-run resumes and converges")
  void resumesAfterAFailureAtEachStep() throws Exception {
    List<String> ids;
    try (Bed probe = new Bed(1, 1)) {
      ids = probe.plan().ordered().stream().map(Step::id).toList();
    }
    assertThat(ids)
        .containsExactly(
            "kube/control-plane/cp-1", "kube/kubeconfig", "kube/join/w-1", "kube/verify");
    for (String id : ids) {
      try (Bed bed = new Bed(1, 1)) {
        PlanResult cut = bed.run(PlanCuts.failingAt(bed.plan(), id));
        if (id.equals(ClusterKubernetes.VERIFY_STEP)) {
          // verify only watches: when the joins left every node Ready it is done, not applied
          assertThat(cut.exitCode()).as(outcomes(cut)).isEqualTo(ExitCode.OK);
          assertThat(cut.outcomes())
              .filteredOn(o -> o.stepId().equals(id))
              .extracting(StepOutcome::status)
              .containsExactly(StepStatus.ALREADY_DONE);
          continue;
        }
        assertThat(cut.exitCode()).as(id + "\n" + outcomes(cut)).isEqualTo(ExitCode.DEGRADED);
        assertThat(cut.outcomes())
            .filteredOn(o -> o.status() == StepStatus.FAILED)
            .extracting(StepOutcome::stepId)
            .containsExactly(id);
        PlanResult resumed = bed.run(bed.plan());
        assertThat(resumed.exitCode()).as(id + "\n" + outcomes(resumed)).isEqualTo(ExitCode.OK);
        assertThat(bed.calls("cp-1", "kube-init")).as(id).hasSize(1);
        assertThat(bed.calls("w-1", "kube-join")).as(id).hasSize(1);
        // what the cut run finished is only observed; the failed step runs
        assertThat(resumed.outcomes())
            .filteredOn(o -> ids.indexOf(o.stepId()) < ids.indexOf(id))
            .allMatch(o -> o.status() == StepStatus.ALREADY_DONE, "already done");
        assertThat(resumed.outcomes())
            .filteredOn(o -> o.stepId().equals(id))
            .extracting(StepOutcome::status)
            .containsExactly(StepStatus.APPLIED);
      }
    }
  }

  @Test
  @DisplayName(
      "kube-init that fails on the node: exit 3 naming it, nothing joins; a re-run resumes")
  void controlPlaneFailureOnTheNode() throws Exception {
    try (Bed bed = new Bed(1, 1)) {
      bed.nodes.node("cp-1").failNext("kube-init", true);
      PlanResult failed = bed.run(bed.plan());
      assertThat(failed.exitCode()).as(outcomes(failed)).isEqualTo(ExitCode.DEGRADED);
      assertThat(failed.outcomes())
          .filteredOn(o -> o.status() == StepStatus.FAILED)
          .extracting(o -> o.error().orElseThrow().getMessage())
          .containsExactly("kube-init on cp-1 exited 1");
      assertThat(bed.calls("w-1", "kube-join")).isEmpty();
      PlanResult resumed = bed.run(bed.plan());
      assertThat(resumed.exitCode()).as(outcomes(resumed)).isEqualTo(ExitCode.OK);
      assertThat(bed.calls("cp-1", "kube-init")).hasSize(2);
    }
  }
}
