package dev.kldload.cli.kube.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.cli.CliHarness;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.HostName;
import dev.kldload.kube.cluster.AdminConfs;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.cluster.NodeInfo;
import dev.kldload.kube.cluster.PodInfo;
import dev.kldload.kube.cluster.fabric8.Fabric8KubeconfigFiles;
import dev.kldload.kube.golden.GoldenRecipe;
import dev.kldload.kube.orchestrator.ClusterKubernetes;
import dev.kldload.kube.orchestrator.GoldenStack;
import dev.kldload.kube.orchestrator.SmokePhase;
import dev.kldload.kube.ssh.InMemoryRemoteShell;
import dev.kldload.kube.ssh.InMemoryRemoteShell.Reply;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kube.ssh.SshTarget;
import java.io.RandomAccessFile;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kube-cluster bootstrap}'s Kubernetes phases wired in the command, on the in-memory test
 * bed: stand-in node commands (kube-init leaves an admin.conf, kubeadm mints tokens, kube-join
 * registers its node) and a stand-in API (a map of nodes behind the {@link Cluster} port) — NOT a
 * real cluster; {@code ClusterKubernetesStandInIT} drives the same phases over real sshd.
 */
class ClusterKubernetesCommandTest {
  static final String KUBE_VIP = "registry.example/kube-vip/kube-vip:v1.2.4";

  @TempDir Path dir;
  ClusterTestBed bed;
  final Map<String, NodeInfo> apiNodes = new ConcurrentHashMap<>();
  final Set<String> initialised = ConcurrentHashMap.newKeySet();
  final AtomicInteger tokens = new AtomicInteger();
  final Set<String> failingJoins = ConcurrentHashMap.newKeySet();

  /** What the API was asked to do to nodes, in order ("cordon w-2", "drain w-2", ...). */
  final List<String> nodeCalls = new CopyOnWriteArrayList<>();

  /** What the API's /readyz says. */
  volatile boolean readyz = true;

  /** The API answers nothing (as when the control planes are down). */
  volatile boolean apiDown;

  @BeforeEach
  void setUp() throws Exception {
    bed = new ClusterTestBed(dir);
    bed.withGolden();
    bed.nodeCommands = this::node;
    bed.api = api();
  }

  /** The bundle's lock, and the golden recorded as carrying it (as provisioning would). */
  private void kubernetesGolden() throws Exception {
    Path lock = Files.createDirectories(dir.resolve("bundle")).resolve("k8s-stack.lock");
    Files.writeString(lock, "K8S_VERSION=1.32.3\nIMAGE=" + KUBE_VIP + "\n");
    new GoldenStack(dir.resolve("state"))
        .record(
            "k8s-golden",
            bed.hypervisor.domain("k8s-golden").orElseThrow().uuid(),
            GoldenStack.sha256(lock));
  }

  private InMemoryRemoteShell.Handler node(String name) {
    return (argv, stdin) -> {
      String line = String.join(" ", argv);
      if (line.equals("test -s " + ClusterKubernetes.ADMIN_CONF)
          || line.endsWith("get --raw /readyz")) {
        return Optional.of(new Reply(initialised.contains(name) ? 0 : 1, "", ""));
      }
      if (argv.get(0).equals("kube-init")) {
        initialised.add(name);
        adminConf(name);
        register(name);
        return Optional.of(new Reply(0, "initialised (stand-in)\n", ""));
      }
      if (line.equals("kubeadm token create --print-join-command")) {
        String token = String.format("abcdef.%016d", tokens.incrementAndGet());
        return Optional.of(
            new Reply(
                0,
                "kubeadm join 10.251.0.1:6443 --token "
                    + token
                    + " --discovery-token-ca-cert-hash sha256:"
                    + "a".repeat(64)
                    + "\n",
                ""));
      }
      if (line.equals("kubeadm init phase upload-certs --upload-certs")) {
        return Optional.of(
            new Reply(0, "[upload-certs] Using certificate key:\n" + "b".repeat(64), ""));
      }
      if (argv.get(0).equals("kube-join")) {
        if (failingJoins.contains(name)) {
          return Optional.of(new Reply(1, "", "error: token expired (stand-in)\n"));
        }
        register(name);
        return Optional.of(new Reply(0, "joined (stand-in)\n", ""));
      }
      return Optional.of(new Reply(0, "", ""));
    };
  }

  /** kube-init's admin.conf on the node, as SFTP will find it. */
  private void adminConf(String node) {
    String lan = bed.lanAddress(node);
    bed.ssh
        .with(KnownHosts.at(dir.resolve("state/clusters/kldload/known_hosts")))
        .upload(
            SshTarget.root(HostName.of(node), lan),
            AdminConfs.at("https://" + lan + ":6443").getBytes(StandardCharsets.UTF_8),
            ClusterKubernetes.ADMIN_CONF,
            0600);
  }

  /** Marks {@code node} NotReady in the stand-in API; returns it as it was. */
  private NodeInfo notReady(String node) {
    NodeInfo n = apiNodes.get(node);
    apiNodes.put(
        node,
        new NodeInfo(
            node, false, n.roles(), n.internalIp(), n.kubeletVersion(), n.labels(), n.taints()));
    return n;
  }

  private void register(String node) {
    apiNodes.put(
        node,
        new NodeInfo(node, true, List.of(), Optional.empty(), "v1.32.3", Map.of(), List.of()));
  }

  /** The API as the nodes' stand-ins leave it: their nodes Ready, one system pod running. */
  private Cluster api() {
    return (Cluster)
        Proxy.newProxyInstance(
            Cluster.class.getClassLoader(),
            new Class<?>[] {Cluster.class},
            (proxy, method, args) -> {
              if (apiDown
                  && !Set.of("close", "hashCode", "equals", "toString")
                      .contains(method.getName())) {
                throw new KldloadException(
                    ErrorKind.UNAVAILABLE, "list nodes: API server unreachable (stand-in)", null);
              }
              return switch (method.getName()) {
                case "cordon", "drain" -> {
                  nodeCalls.add(method.getName() + " " + args[0]);
                  yield method.getName().equals("drain") ? List.of("default/web-" + args[0]) : null;
                }
                case "deleteNode" -> {
                  nodeCalls.add("deleteNode " + args[0]);
                  yield apiNodes.remove((String) args[0]) != null;
                }
                case "node" -> Optional.ofNullable(apiNodes.get((String) args[0]));
                case "daemonSet", "deployment" -> Optional.empty();
                case "readyz" -> readyz;
                case "nodes" -> List.copyOf(apiNodes.values());
                case "awaitNodeReady" -> apiNodes.get((String) args[0]);
                case "label" -> {
                  NodeInfo n = apiNodes.get((String) args[0]);
                  Map<String, String> labels = new HashMap<>(n.labels());
                  labels.put((String) args[1], ((Optional<?>) args[2]).orElseThrow().toString());
                  apiNodes.put(
                      n.name(),
                      new NodeInfo(
                          n.name(),
                          n.ready(),
                          n.roles(),
                          n.internalIp(),
                          n.kubeletVersion(),
                          labels,
                          n.taints()));
                  yield null;
                }
                case "pods" ->
                    List.of(
                        new PodInfo(
                            "kube-system",
                            "coredns",
                            "Running",
                            true,
                            Optional.empty(),
                            Optional.empty(),
                            0));
                case "close", "hashCode", "equals", "toString" -> null;
                default -> throw new UnsupportedOperationException(method.getName());
              };
            });
  }

  private List<String> calls(String program) {
    return bed.ssh.calls().stream()
        .filter(c -> c.argv().get(0).equals(program))
        .map(c -> c.target().node() + " " + String.join(" ", c.argv()))
        .toList();
  }

  @Test
  @DisplayName(
      "without --until: the mesh, kube-init on the control plane, the kubeconfig kept and merged"
          + " as context, both workers joined with a token each and labelled, verify, a summary;"
          + " destroy then removes only that context")
  void bootstrapsKubernetes() throws Exception {
    kubernetesGolden();
    // the operator's own cluster, which must survive
    new Fabric8KubeconfigFiles()
        .merge(
            dir.resolve(".kube/config"),
            AdminConfs.at("https://work.example:6443"),
            "work",
            "work");
    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "2", "--until", "verify");
    assertThat(r.exit()).as(r.toString()).isZero();

    assertThat(calls("kube-init"))
        .containsExactly(
            "kldload-cp kube-init --id 1 --node-name kldload-cp --node-ip "
                + bed.lanAddress("kldload-cp")
                + " --cluster-name kldload");
    assertThat(calls("kube-join"))
        .containsExactlyInAnyOrder(
            "kldload-w-1 kube-join --join-command /etc/kldload/join-command 10.251.0.1:6443",
            "kldload-w-2 kube-join --join-command /etc/kldload/join-command 10.251.0.1:6443");
    assertThat(calls("kubeadm")).hasSize(2).allMatch(c -> c.startsWith("kldload-cp "));
    assertThat(apiNodes.get("kldload-w-1").labels()).containsKey(ClusterKubernetes.WORKER_LABEL);

    Path kept = dir.resolve("state/clusters/kldload/kubeconfig");
    assertThat(kept).content().contains("https://10.251.0.1:6443");
    assertThat(dir.resolve(".kube/config")).content().contains("name: \"kldload\"", "work");
    assertThat(dir.resolve("log/kube-join-kldload-w-2.log")).content().contains("joined");
    assertThat(r.err())
        .contains("cluster kldload at https://10.251.0.1:6443")
        .containsPattern("kldload-w-1 +192\\.168\\.122\\.\\d+ -> 10\\.250\\.0\\.2")
        .contains("stack: Kubernetes ")
        .contains("elapsed");

    CliHarness.Result again = bed.run("kube-cluster", "bootstrap", "--until", "verify");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(calls("kube-init")).hasSize(1);
    assertThat(calls("kube-join")).hasSize(2);

    CliHarness.Result destroyed = bed.run("kube-cluster", "destroy", "--yes");
    assertThat(destroyed.exit()).as(destroyed.toString()).isZero();
    assertThat(destroyed.err()).contains("context kldload in " + dir.resolve(".kube/config"));
    assertThat(dir.resolve(".kube/config"))
        .content()
        .doesNotContain("kldload")
        .contains("work.example", "current-context: \"work\"");
  }

  @Test
  @DisplayName(
      "no golden yet: the golden phase builds it with the bundle's stack (from the cached"
          + " provisioned root file system) and records it; Kubernetes follows in the same run")
  void goldenPhaseProvisions() throws Exception {
    bed.hypervisor.undefine("k8s-golden");
    bed.disks.destroy(ClusterTestBed.GOLDEN);
    Path lock = Files.createDirectories(dir.resolve("bundle")).resolve("k8s-stack.lock.yaml");
    Files.writeString(lock, "kubernetes: v1.32.3\n");
    String sha = GoldenStack.sha256(lock);
    // what an earlier build of this recipe left: the recipe's hash names the lock
    Path cached =
        Files.createDirectories(
            dir.resolve(
                "golden-cache/rootfs-" + GoldenRecipe.standard().kubernetes(sha, false).hash()));
    try (RandomAccessFile raw = new RandomAccessFile(cached.resolve("rootfs.raw").toFile(), "rw")) {
      raw.setLength(1 << 20);
    }
    Files.writeString(cached.resolve("vmlinuz"), "kernel");
    Files.writeString(cached.resolve("initrd.img"), "initrd");
    Files.writeString(cached.resolve(".complete"), "done\n");

    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "1", "--until", "verify");

    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(new GoldenStack(dir.resolve("state")).carried("k8s-golden"))
        .contains(
            new GoldenStack.Carried(sha, bed.hypervisor.domain("k8s-golden").orElseThrow().uuid()));
    assertThat(calls("kube-init")).hasSize(1);
    assertThat(calls("kube-join")).hasSize(1);
  }

  @Test
  @DisplayName(
      "kube-cluster golden with a bundle and a golden without Kubernetes: exit 6, the hint names"
          + " --rebuild, the golden stays")
  void goldenCommandRefusesAGoldenWithoutKubernetes() throws Exception {
    Files.createDirectories(dir.resolve("bundle"));
    Files.writeString(dir.resolve("bundle/k8s-stack.lock.yaml"), "kubernetes: v1.32.3\n");
    String uuid = bed.hypervisor.domain("k8s-golden").orElseThrow().uuid();

    CliHarness.Result r = bed.run("kube-cluster", "golden");

    assertThat(r.exit()).as(r.toString()).isEqualTo(6);
    assertThat(r.err())
        .contains("golden k8s-golden carries no Kubernetes", "kube-cluster golden --rebuild");
    assertThat(bed.hypervisor.domain("k8s-golden").orElseThrow().uuid()).isEqualTo(uuid);
  }

  @Test
  @DisplayName(
      "three control planes: kube-init with the VIP, the others join as control planes holding"
          + " the VIP too, with the kube-vip image the bundle's stack lock pins")
  void controlPlanesKeepTheVip() throws Exception {
    kubernetesGolden();
    CliHarness.Result r = bed.run("kube-cluster", "bootstrap", "--cps", "3", "--until", "join");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(calls("kube-init")).singleElement().asString().endsWith("--vip 192.168.122.240");
    assertThat(calls("kube-join"))
        .containsExactly(
            "kldload-cp-2 kube-join --join-command /etc/kldload/join-command --control-plane"
                + " --certificate-key-file /etc/kldload/certificate-key --advertise-address"
                + " 10.251.0.2 --vip 192.168.122.240 --kube-vip-image "
                + KUBE_VIP
                + " 192.168.122.240:6443",
            "kldload-cp-3 kube-join --join-command /etc/kldload/join-command --control-plane"
                + " --certificate-key-file /etc/kldload/certificate-key --advertise-address"
                + " 10.251.0.3 --vip 192.168.122.240 --kube-vip-image "
                + KUBE_VIP
                + " 192.168.122.240:6443");
  }

  @Test
  @DisplayName(
      "a bundle but a golden without Kubernetes: exit 6 naming the golden, before anything changes")
  void refusesAGoldenWithoutKubernetes() throws Exception {
    Files.createDirectories(dir.resolve("bundle"));
    Files.writeString(dir.resolve("bundle/k8s-stack.lock.yaml"), "kubernetes: v1.32.3\n");
    CliHarness.Result r = bed.run("kube-cluster", "bootstrap", "--cps", "1");
    assertThat(r.exit()).as(r.toString()).isEqualTo(6);
    assertThat(r.err()).contains("golden k8s-golden carries no Kubernetes", "--until mesh");
    assertThat(dir.resolve("state/clusters")).doesNotExist();
    assertThat(bed.hypervisor.domains()).hasSize(1);

    CliHarness.Result phase =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--until", "control-plane");
    assertThat(phase.exit()).as(phase.toString()).isEqualTo(6);
  }

  @Test
  @DisplayName(
      "after --until mesh, the same command without --until stops at the same check with the"
          + " cluster as it was; once the golden carries the stack it resumes from the mesh")
  void resumesFromTheMesh() throws Exception {
    CliHarness.Result mesh =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "1", "--until", "mesh");
    assertThat(mesh.exit()).as(mesh.toString()).isZero();
    Path manifest = dir.resolve("state/clusters/kldload/cluster.json");
    String before = Files.readString(manifest);
    Path journal = dir.resolve("state/clusters/kldload/journal.jsonl");
    long journalled = Files.exists(journal) ? Files.size(journal) : 0;

    CliHarness.Result refused = bed.run("kube-cluster", "bootstrap", "--cps", "1");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(6);
    assertThat(refused.err()).contains("k8s-stack.lock is missing", "--until mesh");
    assertThat(Files.readString(manifest)).isEqualTo(before);
    assertThat(Files.exists(journal) ? Files.size(journal) : 0).isEqualTo(journalled);
    assertThat(calls("kube-init")).isEmpty();

    kubernetesGolden();
    CliHarness.Result resumed =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--until", "verify");
    assertThat(resumed.exit()).as(resumed.toString()).isZero();
    assertThat(Files.readString(manifest)).isEqualTo(before);
    assertThat(calls("kube-init")).hasSize(1);
    assertThat(calls("kube-join")).hasSize(1);
  }

  @Test
  @DisplayName(
      "a worker that cannot join: exit 3 naming it, the other worker joined and labelled; a re-run"
          + " once it can join finishes with only that worker")
  void oneWorkerFails() throws Exception {
    kubernetesGolden();
    failingJoins.add("kldload-w-2");
    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "2", "--until", "verify");
    assertThat(r.exit()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("kube/join/kldload-w-2", "kldload-w-2 did not join");
    assertThat(apiNodes.get("kldload-w-1").labels()).containsKey(ClusterKubernetes.WORKER_LABEL);
    assertThat(apiNodes).doesNotContainKey("kldload-w-2");
    assertThat(calls("kube-join")).filteredOn(c -> c.startsWith("kldload-w-2 ")).hasSize(3);
    assertThat(calls("kubeadm")).hasSize(4);

    failingJoins.clear();
    CliHarness.Result again = bed.run("kube-cluster", "bootstrap", "--until", "verify");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(calls("kube-join")).filteredOn(c -> c.startsWith("kldload-w-1 ")).hasSize(1);
    assertThat(calls("kube-init")).hasSize(1);
  }

  @Test
  @DisplayName("scale on a cluster that runs Kubernetes: the new worker joins with its own token")
  void scaleJoinsNewWorkers() throws Exception {
    kubernetesGolden();
    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "1", "--until", "verify");
    assertThat(r.exit()).as(r.toString()).isZero();
    CliHarness.Result scaled = bed.run("kube-cluster", "scale", "2");
    assertThat(scaled.exit()).as(scaled.toString()).isZero();
    assertThat(calls("kube-join"))
        .containsExactly(
            "kldload-w-1 kube-join --join-command /etc/kldload/join-command 10.251.0.1:6443",
            "kldload-w-2 kube-join --join-command /etc/kldload/join-command 10.251.0.1:6443");
    assertThat(calls("kube-init")).hasSize(1);
    assertThat(apiNodes.get("kldload-w-2").labels()).containsKey(ClusterKubernetes.WORKER_LABEL);
  }

  @Test
  @DisplayName(
      "scale down on a cluster that runs Kubernetes: the removed worker is cordoned, drained and"
          + " deleted from the API before its VM goes; the worker that stays is untouched")
  void scaleDrainsRemovedWorkers() throws Exception {
    kubernetesGolden();
    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "2", "--until", "verify");
    assertThat(r.exit()).as(r.toString()).isZero();
    CliHarness.Result scaled = bed.run("kube-cluster", "scale", "1");
    assertThat(scaled.exit()).as(scaled.toString()).isZero();
    assertThat(nodeCalls)
        .containsExactly("cordon kldload-w-2", "drain kldload-w-2", "deleteNode kldload-w-2");
    assertThat(apiNodes).containsKeys("kldload-cp", "kldload-w-1").doesNotContainKey("kldload-w-2");
    assertThat(bed.hypervisor.domain("kldload-w-2")).isEmpty();
    assertThat(bed.hypervisor.domain("kldload-w-1")).isPresent();
    assertThat(scaled.err()).containsPattern("✓ kube/remove/kldload-w-2 .*delete it from the API");
  }

  @Test
  @DisplayName(
      "scale down while the API does not answer: exit 3 naming the API, the worker and its VM"
          + " kept; with --force it goes undrained, said so")
  void scaleDownWithoutTheApi() throws Exception {
    kubernetesGolden();
    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "2", "--until", "verify");
    assertThat(r.exit()).as(r.toString()).isZero();
    apiDown = true;
    CliHarness.Result refused = bed.run("kube-cluster", "scale", "1");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(3);
    assertThat(refused.err())
        .contains(
            "kube/remove/kldload-w-2",
            "the API at https://10.251.0.1:6443 did not answer, so kldload-w-2 cannot be drained");
    assertThat(bed.hypervisor.domain("kldload-w-2")).isPresent();
    assertThat(Files.readString(dir.resolve("state/clusters/kldload/cluster.json")))
        .contains("kldload-w-2");

    CliHarness.Result forced = bed.run("kube-cluster", "scale", "1", "--force");
    assertThat(forced.exit()).as(forced.toString()).isZero();
    assertThat(forced.err())
        .containsPattern("✓ kube/remove/kldload-w-2 .*--force: undrained when the API");
    assertThat(bed.hypervisor.domain("kldload-w-2")).isEmpty();
    assertThat(nodeCalls).isEmpty();
  }

  @Test
  @DisplayName(
      "status of a cluster that runs Kubernetes: a 'kubernetes' section (nodes Ready, system pods"
          + " running); a node NotReady in the API, or an API that does not answer, is degraded"
          + " (exit 3) and said so")
  void statusReadsTheApi() throws Exception {
    kubernetesGolden();
    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "1", "--until", "verify");
    assertThat(r.exit()).as(r.toString()).isZero();

    CliHarness.Result json = bed.run("kube-cluster", "status", "-o", "json");
    JsonNode api = new ObjectMapper().readTree(json.out()).path("kubernetes");
    assertThat(api.path("server").asText()).isEqualTo("https://10.251.0.1:6443");
    assertThat(api.path("nodesReady").asInt()).as(json.out()).isEqualTo(2);
    assertThat(api.path("nodesTotal").asInt()).isEqualTo(2);
    assertThat(api.path("systemPodsRunning").asInt()).isEqualTo(1);
    assertThat(api.has("error")).isFalse();

    notReady("kldload-w-1");
    CliHarness.Result notReady = bed.run("kube-cluster", "status");
    assertThat(notReady.exit()).as(notReady.toString()).isEqualTo(3);
    assertThat(notReady.out())
        .contains("kldload-w-1: NotReady in the API", "nodes 1/2 Ready, kube-system pods 1/1");

    apiDown = true;
    long start = System.nanoTime();
    CliHarness.Result down = bed.run("kube-cluster", "status");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(down.exit()).as(down.toString()).isEqualTo(3);
    assertThat(down.out()).contains("the API at https://10.251.0.1:6443 did not answer");
  }

  @Test
  @DisplayName(
      "start of a cluster that runs Kubernetes waits, after SSH and the mesh, for the nodes Ready"
          + " in the API")
  void startWaitsForReadyNodes() throws Exception {
    kubernetesGolden();
    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "1", "--until", "verify");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(bed.run("kube-cluster", "stop").exit()).isZero();
    NodeInfo w1 = notReady("kldload-w-1");
    // the kubelet re-registers a moment after the VM is back
    Thread kubelet =
        new Thread(
            () -> {
              try {
                Thread.sleep(1500);
              } catch (InterruptedException e) {
                return;
              }
              apiNodes.put(w1.name(), w1);
            });
    kubelet.start();
    CliHarness.Result started = bed.run("kube-cluster", "start");
    kubelet.join();
    assertThat(started.exit()).as(started.toString()).isZero();
    assertThat(started.err())
        .containsPattern("✓ kube/ready +2 node\\(s\\) Ready in the API within 300 s");
  }

  @Test
  @DisplayName(
      "vip-float: a three-control-plane cluster whose kubeconfig names the first control plane"
          + " moves to the VIP (kept kubeconfig and context) once /readyz answers there, not"
          + " before; one control plane is exit 6 with the reason")
  void vipFloat() throws Exception {
    kubernetesGolden();
    CliHarness.Result r = bed.run("kube-cluster", "bootstrap", "--cps", "3", "--until", "join");
    assertThat(r.exit()).as(r.toString()).isZero();
    // as a cluster made before its kubeconfig named the VIP
    Fabric8KubeconfigFiles files = new Fabric8KubeconfigFiles();
    Path kept = dir.resolve("state/clusters/kldload/kubeconfig");
    String first =
        files.withServer(Files.readString(kept), kept.toString(), "https://10.251.0.1:6443");
    Files.writeString(kept, first);
    files.merge(dir.resolve(".kube/config"), first, kept.toString(), "kldload");

    readyz = false;
    CliHarness.Result notYet = bed.run("kube-cluster", "vip-float");
    assertThat(notYet.exit()).as(notYet.toString()).isEqualTo(6);
    assertThat(notYet.err())
        .contains("the API at the VIP https://192.168.122.240:6443 is not ready");
    assertThat(kept).content().contains("https://10.251.0.1:6443");

    readyz = true;
    CliHarness.Result floated = bed.run("kube-cluster", "vip-float");
    assertThat(floated.exit()).as(floated.toString()).isZero();
    assertThat(kept).content().contains("https://192.168.122.240:6443");
    assertThat(files.server(Files.readString(dir.resolve(".kube/config")), "user"))
        .isEqualTo("https://192.168.122.240:6443");
    assertThat(dir.resolve("state/clusters/kldload/kubeconfig.vip")).doesNotExist();
    assertThat(bed.run("kube-cluster", "vip-float").err()).contains("already done");
  }

  @Test
  @DisplayName("vip-float of a cluster with one control plane: exit 6, nothing to float to")
  void vipFloatNeedsSeveralControlPlanes() throws Exception {
    kubernetesGolden();
    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "1", "--until", "verify");
    assertThat(r.exit()).as(r.toString()).isZero();
    CliHarness.Result refused = bed.run("kube-cluster", "vip-float");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(6);
    assertThat(refused.err()).contains("has 1 control plane(s)", "--cps 3");
  }

  @Test
  @DisplayName(
      "without --until the smoke test is the last phase: its failed checks end the run with exit"
          + " 3 naming the step, its result is kept for status, and a re-run tests again")
  void smokeIsTheLastPhase() throws Exception {
    kubernetesGolden();
    CliHarness.Result r = bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "1");

    // the in-memory nodes answer every read with nothing: their node checks cannot pass
    assertThat(r.exit()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains(SmokePhase.STEP).contains("smoke test of kldload");
    assertThat(apiNodes).containsKeys("kldload-cp", "kldload-w-1");
    JsonNode smoke =
        new ObjectMapper()
            .readTree(bed.run("kube-cluster", "status", "-o", "json").out())
            .path("smoke");
    assertThat(smoke.path("verdict").asText()).isEqualTo("failed");
    assertThat(smoke.path("counts").path("fail").asInt()).isPositive();

    CliHarness.Result again = bed.run("kube-cluster", "bootstrap");
    assertThat(again.exit()).as(again.toString()).isEqualTo(3);
    assertThat(calls("kube-init")).hasSize(1);
  }
}
