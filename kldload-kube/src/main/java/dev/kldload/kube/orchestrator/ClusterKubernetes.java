package dev.kldload.kube.orchestrator;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepContext;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.cluster.KubeconfigFiles;
import dev.kldload.kube.cluster.NodeInfo;
import dev.kldload.kube.cluster.PodInfo;
import dev.kldload.kube.node.JoinCommand;
import dev.kldload.kube.node.StackLock;
import dev.kldload.kube.node.StackLockFile;
import dev.kldload.kube.ssh.RemoteResult;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kube.ssh.SshTarget;
import dev.kldload.net.NetworkPlan;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The Kubernetes phases of a bootstrap, on the nodes the mesh phase left: {@code kube-init} on the
 * first control plane, its admin.conf fetched to the host, the other control planes joined one
 * after another and the workers all at once, then every node Ready and the system pods running. The
 * node tools do the node's work; this class drives them over SSH and watches the API.
 *
 * <p>Each join attempt runs with a join command (and, for a control plane, a certificate key)
 * minted for it on the first control plane and handed over as a 0600 file, so no token or key is
 * ever on a command line, and a token that expired during a slow attempt is never reused. Each
 * node's tool output goes to one log on the host ({@code kube-init-<node>.log}, {@code
 * kube-join-<node>.log}).
 *
 * <p>Every step is non-critical: a failure ends the run "done with problems" (exit 3) naming the
 * step, keeps the VMs and what joined (no undo), and a re-run resumes, because each step's {@code
 * isDone()} looks at the node (admin.conf and an answering API) or the API (the node Ready).
 */
public final class ClusterKubernetes {
  /** Where kubeadm leaves the cluster's admin credentials on a control plane. */
  public static final String ADMIN_CONF = "/etc/kubernetes/admin.conf";

  /** Where a control plane's join finds its certificate key (0600, written per attempt). */
  public static final String CERTIFICATE_KEY_FILE = "/etc/kldload/certificate-key";

  public static final String WORKER_LABEL = "node-role.kubernetes.io/worker";
  public static final String SYSTEM_NAMESPACE = "kube-system";
  static final int API_PORT = 6443;

  /** How long a removed worker's pods may take to be evicted (disruption budgets included). */
  public static final Duration DRAIN = Duration.ofMinutes(5);

  /** How long one look at a node may take. */
  static final Duration PROBE = Duration.ofSeconds(15);

  /**
   * @param tool how long kube-init or one kube-join attempt may run
   * @param api how long the API may take to answer after kube-init
   * @param ready how long a joined node may take to be Ready, and the system pods to run
   * @param joinAttempts join attempts per node, each with a fresh token
   */
  public record Deadlines(Duration tool, Duration api, Duration ready, int joinAttempts) {
    public Deadlines {
      for (Duration d : List.of(tool, api, ready)) {
        if (d.isNegative() || d.isZero()) {
          throw KldloadException.invalid(
              "a wait deadline must be positive, not " + d, "give a duration above zero");
        }
      }
      if (joinAttempts < 1) {
        throw KldloadException.invalid(
            "join attempts must be at least 1, not " + joinAttempts, "give 1 or more");
      }
    }

    /**
     * kube-init installs Cilium, MetalLB and storage with helm's own 300 s waits: 20 minutes; a
     * join pulls nothing (images are in the golden): 10; three attempts.
     */
    public static Deadlines defaults() {
      return new Deadlines(
          Duration.ofMinutes(20), Duration.ofMinutes(5), Duration.ofMinutes(10), 3);
    }
  }

  private final NetworkPlan plan;
  private final RemoteShell shell;
  private final Function<NodeRecord, SshTarget> targets;
  private final KubeconfigFiles kubeconfigs;
  private final BiFunction<Path, CancellationToken, Cluster> clusters;
  private final Path clusterDir;
  private final Path userKubeconfig;
  private final Path logDir;
  private final Deadlines deadlines;
  private final Function<CancellationToken, Conditions> conditions;
  private final Supplier<String> kubeVipImage;

  /**
   * @param targets where each node's SSH answers (root at its LAN address; tests give ports)
   * @param clusters a client of the cluster a kubeconfig names (the host's, in the state dir)
   * @param clusterDir the cluster's state directory: {@code kubeconfig} is kept there, 0600
   * @param userKubeconfig the operator's kubeconfig the context {@code <name>} is merged into
   * @param logDir where each node's tool log is written ({@code kube.log-dir})
   * @param kubeVipImage the kube-vip image the bundle's stack lock pins, asked only when a control
   *     plane joins a cluster with several (kube-join runs kube-vip for the VIP on it too)
   */
  public ClusterKubernetes(
      NetworkPlan plan,
      RemoteShell shell,
      Function<NodeRecord, SshTarget> targets,
      KubeconfigFiles kubeconfigs,
      BiFunction<Path, CancellationToken, Cluster> clusters,
      Path clusterDir,
      Path userKubeconfig,
      Path logDir,
      Deadlines deadlines,
      Function<CancellationToken, Conditions> conditions,
      Supplier<String> kubeVipImage) {
    this.plan = plan;
    this.shell = shell;
    this.targets = targets;
    this.kubeconfigs = kubeconfigs;
    this.clusters = clusters;
    this.clusterDir = clusterDir;
    this.userKubeconfig = userKubeconfig;
    this.logDir = logDir;
    this.deadlines = deadlines;
    this.conditions = conditions;
    this.kubeVipImage = kubeVipImage;
  }

  /**
   * The kube-vip image {@code bundle}'s stack lock pins (the one kube-init ran on the first control
   * plane); PRECONDITION when it pins none.
   */
  public static String kubeVipImage(Path bundle, Consumer<String> warnings) {
    Path lock = StackLockFile.inBundle(bundle);
    return StackLockFile.load(lock, bundle, warnings)
        .image("kube-vip")
        .orElseThrow(
            () ->
                KldloadException.precondition(
                    "the stack lock "
                        + lock
                        + " pins no kube-vip image, which every control plane"
                        + " of a cluster with several runs for the API's VIP",
                    "rebuild the bundle with kube-bundle (its stack pins kube-vip)"));
  }

  public static String controlPlaneStepId(String node) {
    return "kube/control-plane/" + node;
  }

  public static final String KUBECONFIG_STEP = "kube/kubeconfig";
  public static final String VERIFY_STEP = "kube/verify";

  public static String joinStepId(String node) {
    return "kube/join/" + node;
  }

  /** The cluster's own kubeconfig on the host. */
  public Path kubeconfig() {
    return clusterDir.resolve("kubeconfig");
  }

  /**
   * The API endpoint: the kube-vip address of the host network when there are several control
   * planes, else the first control plane's wg-k8s address.
   */
  public String endpoint(ClusterManifest manifest) {
    return manifest.withRole(Role.CONTROL_PLANE).size() > 1
        ? plan.apiVipAddress().getHostAddress()
        : address(first(manifest).k8sAddress());
  }

  public String server(ClusterManifest manifest) {
    return "https://" + endpoint(manifest) + ":" + API_PORT;
  }

  /**
   * The steps of the Kubernetes phases {@code last} includes, the first after {@code after} (the
   * mesh's handshakes).
   */
  public List<Step> steps(ClusterManifest manifest, Phase last, Collection<String> after) {
    List<Step> out = new ArrayList<>();
    NodeRecord first = first(manifest);
    if (last.includes(Phase.CONTROL_PLANE)) {
      out.add(controlPlane(manifest, first, after));
    }
    if (last.includes(Phase.KUBECONFIG)) {
      out.add(kubeconfigStep(manifest, first));
    }
    if (!last.includes(Phase.JOIN)) {
      return out;
    }
    List<String> joins = new ArrayList<>();
    String previous = KUBECONFIG_STEP;
    // etcd grows by one member at a time: control planes join in turn, workers all at once
    for (NodeRecord cp : manifest.withRole(Role.CONTROL_PLANE)) {
      if (cp.equals(first)) {
        continue;
      }
      out.add(join(manifest, first, cp, previous));
      previous = joinStepId(cp.name());
      joins.add(previous);
    }
    for (NodeRecord worker : manifest.withRole(Role.WORKER)) {
      out.add(join(manifest, first, worker, KUBECONFIG_STEP));
      joins.add(joinStepId(worker.name()));
    }
    if (last.includes(Phase.VERIFY)) {
      out.add(verify(manifest, joins));
    }
    return out;
  }

  /** A plane address as the manifest keeps it ("10.251.0.1/24"), without its prefix length. */
  private static String address(String cidr) {
    return cidr.replaceFirst("/\\d+$", "");
  }

  private static NodeRecord first(ClusterManifest manifest) {
    return manifest.withRole(Role.CONTROL_PLANE).stream()
        .findFirst()
        .orElseThrow(
            () ->
                KldloadException.invalid(
                    "cluster " + manifest.name() + " has no control plane",
                    "bootstrap with --cps 1 or more"));
  }

  // ---- control plane ----

  private Step controlPlane(ClusterManifest manifest, NodeRecord first, Collection<String> after) {
    SshTarget target = targets.apply(first);
    List<String> argv = kubeInit(manifest, first);
    return Step.named(controlPlaneStepId(first.name()))
        .description(
            "kube-init on "
                + first.name()
                + (manifest.withRole(Role.CONTROL_PLANE).size() > 1
                    ? " with the API behind " + endpoint(manifest)
                    : "")
                + ", until its API answers")
        .after(after)
        .nonCritical()
        .doneWhen(c -> apiAnswers(target))
        .apply(
            c -> {
              Path log = logDir.resolve("kube-init-" + first.name() + ".log");
              c.note("kube-init on " + first.name() + " (log " + log + ")");
              RemoteResult result = runLogged(target, argv, log, deadlines.tool());
              if (!result.ok()) {
                throw new KldloadException(
                    ErrorKind.FAILED,
                    "kube-init on " + first.name() + " exited " + result.exitStatus(),
                    "see " + log + "; re-run bootstrap to resume");
              }
              conditions
                  .apply(c.cancellation())
                  .awaitTrue(
                      "the API on " + first.name() + " to answer",
                      deadlines.api(),
                      () -> apiAnswers(target));
            });
  }

  /** kube-init's arguments: the node's place in the plan, and the VIP when there is one. */
  private List<String> kubeInit(ClusterManifest manifest, NodeRecord first) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "kube-init",
                "--id",
                Integer.toString(first.id()),
                "--node-name",
                first.name(),
                "--node-ip",
                first.lanAddress(),
                "--cluster-name",
                manifest.name()));
    if (manifest.withRole(Role.CONTROL_PLANE).size() > 1) {
      argv.add("--vip");
      argv.add(endpoint(manifest));
    }
    return argv;
  }

  /** admin.conf is there and the API behind it answers its readiness check. */
  private boolean apiAnswers(SshTarget target) {
    try {
      return shell.run(target, List.of("test", "-s", ADMIN_CONF), PROBE).ok()
          && shell
              .run(
                  target,
                  List.of("kubectl", "--kubeconfig", ADMIN_CONF, "get", "--raw", "/readyz"),
                  PROBE)
              .ok();
    } catch (KldloadException e) {
      return false;
    }
  }

  // ---- kubeconfig ----

  private Step kubeconfigStep(ClusterManifest manifest, NodeRecord first) {
    SshTarget target = targets.apply(first);
    String server = server(manifest);
    return Step.named(KUBECONFIG_STEP)
        .description(
            "fetch "
                + ADMIN_CONF
                + " from "
                + first.name()
                + " over SFTP, server "
                + server
                + ", into "
                + kubeconfig()
                + " and "
                + userKubeconfig
                + " as context "
                + manifest.name())
        .after(controlPlaneStepId(first.name()))
        .nonCritical()
        .doneWhen(c -> kubeconfigDone(manifest.name(), server))
        .apply(
            c -> {
              Path fetched = clusterDir.resolve("admin.conf.fetched");
              shell.download(target, ADMIN_CONF, fetched);
              try {
                String text = Files.readString(fetched, StandardCharsets.UTF_8);
                String source = first.name() + ":" + ADMIN_CONF;
                PrivateFiles.write(kubeconfig(), kubeconfigs.withServer(text, source, server));
                kubeconfigs.merge(
                    userKubeconfig,
                    Files.readString(kubeconfig(), StandardCharsets.UTF_8),
                    kubeconfig().toString(),
                    manifest.name());
              } finally {
                Files.deleteIfExists(fetched);
              }
            });
  }

  private boolean kubeconfigDone(String name, String server) {
    Optional<String> kept = PrivateFiles.read(kubeconfig());
    return kept.isPresent()
        && server.equals(kubeconfigs.server(kept.get(), kubeconfig().toString()))
        && kubeconfigs.hasContext(userKubeconfig, name);
  }

  // ---- joins ----

  private Step join(ClusterManifest manifest, NodeRecord first, NodeRecord node, String after) {
    boolean controlPlane = node.role() == Role.CONTROL_PLANE;
    return Step.named(joinStepId(node.name()))
        .description(
            "kube-join "
                + node.name()
                + (controlPlane ? " as a control plane" : " as a worker")
                + " to "
                + endpoint(manifest)
                + " with a fresh token, until it is Ready"
                + (controlPlane ? "" : " and labelled worker"))
        .after(after)
        .nonCritical()
        .doneWhen(c -> joined(node, c.cancellation()))
        .apply(c -> join(c, manifest, first, node));
  }

  private boolean joined(NodeRecord node, CancellationToken cancellation) {
    return apiSays(
        cancellation,
        cluster ->
            cluster
                .node(node.name())
                .filter(NodeInfo::ready)
                .filter(n -> node.role() != Role.WORKER || n.labels().containsKey(WORKER_LABEL))
                .isPresent());
  }

  /** What {@code question} finds through the kept kubeconfig; false without one or an answer. */
  private boolean apiSays(CancellationToken cancellation, Predicate<Cluster> question) {
    if (!Files.exists(kubeconfig())) {
      return false;
    }
    try (Cluster cluster = clusters.apply(kubeconfig(), cancellation)) {
      return question.test(cluster);
    } catch (KldloadException e) {
      return false;
    }
  }

  private void join(StepContext c, ClusterManifest manifest, NodeRecord first, NodeRecord node)
      throws InterruptedException {
    SshTarget minter = targets.apply(first);
    SshTarget target = targets.apply(node);
    Path log = logDir.resolve("kube-join-" + node.name() + ".log");
    boolean controlPlane = node.role() == Role.CONTROL_PLANE;
    List<String> argv = new ArrayList<>(List.of("kube-join", "--join-command", JoinCommand.FILE));
    if (controlPlane) {
      argv.addAll(
          List.of(
              "--control-plane",
              "--certificate-key-file",
              CERTIFICATE_KEY_FILE,
              "--advertise-address",
              address(node.k8sAddress())));
      if (manifest.withRole(Role.CONTROL_PLANE).size() > 1) {
        // every control plane holds the VIP, so the API outlives the first one
        argv.addAll(List.of("--vip", endpoint(manifest), "--kube-vip-image", kubeVipImage.get()));
      }
    }
    argv.add(endpoint(manifest) + ":" + API_PORT);
    RemoteResult last = null;
    for (int attempt = 1; attempt <= deadlines.joinAttempts(); attempt++) {
      c.checkCancelled();
      c.note(
          "join attempt "
              + attempt
              + " of "
              + node.name()
              + " with a fresh token (log "
              + log
              + ")");
      shell.upload(target, mintJoinCommand(minter), JoinCommand.FILE, 0600);
      if (controlPlane) {
        shell.upload(target, mintCertificateKey(minter), CERTIFICATE_KEY_FILE, 0600);
      }
      last = runLogged(target, argv, log, deadlines.tool());
      if (last.ok()) {
        break;
      }
    }
    if (!last.ok()) {
      throw new KldloadException(
          ErrorKind.FAILED,
          node.name()
              + " did not join: kube-join exited "
              + last.exitStatus()
              + " in each of "
              + deadlines.joinAttempts()
              + " attempt(s)",
          "see " + log + "; the other nodes stay joined; re-run bootstrap to retry it");
    }
    try (Cluster cluster = clusters.apply(kubeconfig(), c.cancellation())) {
      cluster.awaitNodeReady(node.name(), deadlines.ready());
      if (node.role() == Role.WORKER) {
        cluster.label(node.name(), WORKER_LABEL, Optional.of(""));
      }
    }
  }

  /** {@code kubeadm token create --print-join-command} on the first control plane, checked. */
  private byte[] mintJoinCommand(SshTarget minter) {
    RemoteResult minted =
        shell
            .run(minter, List.of("kubeadm", "token", "create", "--print-join-command"), PROBE)
            .check();
    String line = minted.stdout().lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
    JoinCommand.parse(line, "kubeadm token create on " + minter.node());
    return (line + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** A certificate key uploaded with the control plane's certificates, valid for two hours. */
  private byte[] mintCertificateKey(SshTarget minter) {
    RemoteResult minted =
        shell
            .run(
                minter,
                List.of("kubeadm", "init", "phase", "upload-certs", "--upload-certs"),
                PROBE)
            .check();
    List<String> lines = minted.stdout().lines().filter(l -> !l.isBlank()).toList();
    String key =
        JoinCommand.certificateKey(
            lines.isEmpty() ? "" : lines.get(lines.size() - 1),
            "kubeadm init phase upload-certs on " + minter.node());
    return (key + "\n").getBytes(StandardCharsets.UTF_8);
  }

  // ---- verify ----

  private Step verify(ClusterManifest manifest, Collection<String> joins) {
    return Step.named(VERIFY_STEP)
        .description(
            "every node Ready ("
                + manifest.nodes().size()
                + ") and the "
                + SYSTEM_NAMESPACE
                + " pods running")
        .after(KUBECONFIG_STEP)
        .after(joins)
        .nonCritical()
        .doneWhen(c -> verified(manifest, c.cancellation()).isEmpty())
        .apply(
            c ->
                conditions
                    .apply(c.cancellation())
                    .awaitTrue(
                        "every node of " + manifest.name() + " Ready and the system pods running",
                        deadlines.ready(),
                        () -> {
                          List<String> missing = verified(manifest, c.cancellation());
                          if (!missing.isEmpty()) {
                            c.note("waiting for " + String.join(", ", missing));
                          }
                          return missing.isEmpty();
                        }));
  }

  /** What is not there yet: nodes not Ready, system pods not running; empty when all is. */
  private List<String> verified(ClusterManifest manifest, CancellationToken cancellation) {
    if (!Files.exists(kubeconfig())) {
      return List.of("the kubeconfig " + kubeconfig());
    }
    List<String> missing = new ArrayList<>();
    try (Cluster cluster = clusters.apply(kubeconfig(), cancellation)) {
      for (NodeRecord node : manifest.nodes()) {
        if (cluster.node(node.name()).filter(NodeInfo::ready).isEmpty()) {
          missing.add("node " + node.name() + " Ready");
        }
      }
      List<PodInfo> pods = cluster.pods(SYSTEM_NAMESPACE);
      if (pods.isEmpty()) {
        missing.add("pods in " + SYSTEM_NAMESPACE);
      }
      pods.stream()
          .filter(p -> !p.phase().equals("Running") && !p.phase().equals("Succeeded"))
          .forEach(p -> missing.add("pod " + p.name() + " (" + p.phase() + ")"));
    } catch (KldloadException e) {
      missing.add("the API (" + e.getMessage() + ")");
    }
    return missing;
  }

  // ---- vip-float ----

  public static final String VIP_FLOAT_STEP = "kube/vip-float";

  /**
   * Moves the kept kubeconfig and the operator's context {@code <name>} to the kube-vip address,
   * once the API answers {@code /readyz} there (with a certificate that names it). PRECONDITION for
   * a cluster with one control plane (no VIP: nothing to float to) or without a kubeconfig.
   */
  public Step vipFloat(ClusterManifest manifest) {
    int cps = manifest.withRole(Role.CONTROL_PLANE).size();
    if (cps < 2) {
      throw KldloadException.precondition(
          "cluster "
              + manifest.name()
              + " has "
              + cps
              + " control plane(s): kube-vip holds the VIP only for several, so its API stays at"
              + " the first control plane's address",
          "bootstrap a cluster with --cps 3 for an API that outlives one control plane");
    }
    if (!Files.exists(kubeconfig())) {
      throw KldloadException.precondition(
          "cluster " + manifest.name() + " has no kubeconfig at " + kubeconfig(),
          "bootstrap it through the kubeconfig phase first");
    }
    String server = server(manifest);
    return Step.named(VIP_FLOAT_STEP)
        .description(
            "check "
                + server
                + "/readyz, then point "
                + kubeconfig()
                + " and the context "
                + manifest.name()
                + " of "
                + userKubeconfig
                + " at it")
        .doneWhen(c -> kubeconfigDone(manifest.name(), server))
        .apply(
            c -> {
              String source = kubeconfig().toString();
              String floated =
                  kubeconfigs.withServer(
                      PrivateFiles.read(kubeconfig()).orElseThrow(), source, server);
              Path trial = clusterDir.resolve("kubeconfig.vip");
              try {
                PrivateFiles.write(trial, floated);
                boolean ready;
                try (Cluster cluster = clusters.apply(trial, c.cancellation())) {
                  ready = cluster.readyz();
                } catch (KldloadException e) {
                  throw KldloadException.precondition(
                      "the API does not answer at the VIP " + server + ": " + e.getMessage(),
                      "check that kube-vip runs on the control planes and holds "
                          + endpoint(manifest)
                          + "; the kubeconfig is unchanged");
                }
                if (!ready) {
                  throw KldloadException.precondition(
                      "the API at the VIP " + server + " is not ready (/readyz)",
                      "wait for the control planes and try again; the kubeconfig is unchanged");
                }
              } finally {
                Files.deleteIfExists(trial);
              }
              PrivateFiles.write(kubeconfig(), floated);
              kubeconfigs.merge(userKubeconfig, floated, source, manifest.name());
            });
  }

  // ---- start ----

  public static final String READY_STEP = "kube/ready";

  /**
   * After a start: each of {@code nodes} Ready in the API within {@code deadline} (the kubelets
   * re-register once the VMs, SSH and the mesh are back), after the steps {@code after}.
   */
  public Step nodesReady(List<NodeRecord> nodes, Duration deadline, Collection<String> after) {
    return Step.named(READY_STEP)
        .description(
            nodes.size()
                + " node(s) Ready in the API within "
                + deadline.toSeconds()
                + " s ("
                + String.join(", ", nodes.stream().map(NodeRecord::name).toList())
                + ")")
        .after(after)
        .nonCritical()
        .doneWhen(c -> notReady(nodes, c.cancellation()).isEmpty())
        .apply(
            c ->
                conditions
                    .apply(c.cancellation())
                    .awaitTrue(
                        "the nodes Ready in the API",
                        deadline,
                        () -> {
                          List<String> waiting = notReady(nodes, c.cancellation());
                          if (!waiting.isEmpty()) {
                            c.note("waiting for " + String.join(", ", waiting));
                          }
                          return waiting.isEmpty();
                        }));
  }

  /** The nodes not Ready in the API (all of them when it does not answer). */
  private List<String> notReady(List<NodeRecord> nodes, CancellationToken cancellation) {
    List<String> names = nodes.stream().map(NodeRecord::name).toList();
    if (!Files.exists(kubeconfig())) {
      return names;
    }
    try (Cluster cluster = clusters.apply(kubeconfig(), cancellation)) {
      return names.stream().filter(n -> cluster.node(n).filter(NodeInfo::ready).isEmpty()).toList();
    } catch (KldloadException e) {
      return names;
    }
  }

  // ---- removal ----

  public static String removeStepId(String node) {
    return "kube/remove/" + node;
  }

  /**
   * A worker on its way out of the cluster: cordoned, its pods evicted within {@code drain}
   * (DaemonSets' stay: they go with the node), then its node object deleted, so the VM can go
   * without the API keeping a NotReady node and pods bound to it. Done when the API answers without
   * the node. An API that does not answer fails the step (the VM stays) naming the server; with
   * {@code force} the worker goes anyway, undrained, as it does when its pods outlast {@code
   * drain}.
   */
  public Step remove(NodeRecord node, Duration drain, boolean force) {
    return Step.named(removeStepId(node.name()))
        .description(
            "cordon "
                + node.name()
                + ", evict its pods (DaemonSets' stay) within "
                + drain.toSeconds()
                + " s and delete it from the API"
                + (force ? " (--force: undrained when the API or the pods do not let it)" : ""))
        .nonCritical()
        .doneWhen(c -> absent(node, c.cancellation()))
        .apply(c -> remove(c, node, drain, force));
  }

  private boolean absent(NodeRecord node, CancellationToken cancellation) {
    return apiSays(cancellation, cluster -> cluster.node(node.name()).isEmpty());
  }

  private void remove(StepContext c, NodeRecord node, Duration drain, boolean force)
      throws InterruptedException {
    String name = node.name();
    try (Cluster cluster = clusters.apply(kubeconfig(), c.cancellation())) {
      if (cluster.node(name).isEmpty()) {
        return;
      }
      cluster.cordon(name);
      try {
        List<String> evicted = cluster.drain(name, drain);
        c.note(
            name
                + " drained: "
                + (evicted.isEmpty() ? "no pods to move" : String.join(", ", evicted)));
      } catch (KldloadException e) {
        if (!force || e.kind() != ErrorKind.TIMEOUT) {
          throw e;
        }
        c.note("--force: " + e.getMessage() + "; deleting " + name + " anyway");
      }
      cluster.deleteNode(name);
    } catch (KldloadException e) {
      if (e.kind() != ErrorKind.UNAVAILABLE) {
        throw e;
      }
      String server = apiServer();
      if (!force) {
        throw new KldloadException(
            ErrorKind.UNAVAILABLE,
            "the API at "
                + server
                + " did not answer, so "
                + name
                + " cannot be drained: "
                + e.getMessage(),
            "start the control planes (kube-cluster start), or give --force to remove the workers"
                + " undrained",
            e);
      }
      c.note(
          "--force: the API at "
              + server
              + " did not answer; "
              + name
              + " goes undrained (kubectl delete node "
              + name
              + " once it answers)");
    }
  }

  /** The server the kept kubeconfig names, or the file itself when it cannot be read. */
  private String apiServer() {
    return PrivateFiles.read(kubeconfig())
        .map(text -> kubeconfigs.server(text, kubeconfig().toString()))
        .orElse(kubeconfig().toString());
  }

  /**
   * The closing summary: each node with its LAN and WireGuard addresses and whether the API calls
   * it Ready, the stack, the API endpoint; empty node states when the API does not answer.
   */
  public List<String> summary(
      ClusterManifest manifest, Duration elapsed, Optional<StackLock> stack) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "cluster "
            + manifest.name()
            + " at "
            + server(manifest)
            + " (context "
            + manifest.name()
            + ")");
    List<NodeInfo> seen = List.of();
    if (Files.exists(kubeconfig())) {
      try (Cluster cluster = clusters.apply(kubeconfig(), new CancellationToken())) {
        seen = cluster.nodes();
      } catch (KldloadException e) {
        lines.add("the API did not answer: " + e.getMessage());
      }
    }
    for (NodeRecord node : manifest.nodes()) {
      String state =
          seen.stream()
              .filter(n -> n.name().equals(node.name()))
              .findFirst()
              .map(n -> n.ready() ? "Ready" : "NotReady")
              .orElse("not joined");
      lines.add(
          "  "
              + node.name()
              + "  "
              + node.lanAddress()
              + " -> "
              + address(node.mgmtAddress())
              + " (wg-mgmt), "
              + address(node.k8sAddress())
              + " (wg-k8s)  "
              + state);
    }
    lines.add(
        stack.map(ClusterKubernetes::stackLine).orElse("stack: the bundle's lock is unreadable"));
    lines.add("elapsed " + elapsed.toMinutes() + "m" + elapsed.toSecondsPart() + "s");
    return lines;
  }

  /** What the bundle's lock pinned, so the summary states the stack the nodes really got. */
  static String stackLine(StackLock lock) {
    List<String> parts = new ArrayList<>();
    parts.add("Kubernetes " + lock.kubernetes());
    lock.charts().forEach(c -> parts.add(c.name() + " " + c.version()));
    lock.manifests().forEach(m -> parts.add(m.name() + " " + m.version()));
    parts.add(lock.images().size() + " images");
    return "stack: " + String.join(", ", parts);
  }

  /**
   * Destroy's part: context, cluster and user {@code name} out of the operator's kubeconfig, and
   * nothing else of it.
   */
  public static Step removeContext(KubeconfigFiles kubeconfigs, Path userKubeconfig, String name) {
    return Step.named("kubeconfig/context/" + name)
        .description("remove context " + name + " from " + userKubeconfig)
        .doneWhen(c -> !kubeconfigs.hasContext(userKubeconfig, name))
        .apply(c -> kubeconfigs.remove(userKubeconfig, name));
  }

  /**
   * Runs {@code argv} with its output appended to {@code log} (0600: tool output may hold secrets).
   */
  private RemoteResult runLogged(SshTarget target, List<String> argv, Path log, Duration timeout) {
    try {
      PrivateFiles.directory(log.getParent());
      if (!Files.exists(log)) {
        Files.createFile(
            log,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
        out.write(("$ " + String.join(" ", argv) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        RemoteResult result =
            shell.run(
                target,
                argv,
                timeout,
                Optional.empty(),
                Optional.of(new RemoteShell.Streams(out, out)));
        out.write(
            ("# exit " + result.exitStatus() + " after " + result.elapsed().toSeconds() + " s\n")
                .getBytes(StandardCharsets.UTF_8));
        return result;
      }
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.FAILED, "cannot write " + log + ": " + e.getMessage(), null, e);
    }
  }
}
