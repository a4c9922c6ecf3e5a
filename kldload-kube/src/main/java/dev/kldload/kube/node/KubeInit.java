package dev.kldload.kube.node;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepBuilder;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.HostName;
import dev.kldload.core.value.NodeId;
import dev.kldload.kube.KubeNetwork;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.cluster.NodeInfo;
import dev.kldload.kube.cluster.WorkloadStatus;
import dev.kldload.kube.render.ControlPlaneArtifacts;
import dev.kldload.kube.render.KubeVip;
import dev.kldload.net.HostNetwork;
import dev.kldload.net.NetworkPlan;
import dev.kldload.zfs.Ownership;
import dev.kldload.zfs.Zfs;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code kube-init}: the first control plane. Every file it installs is rendered by us into {@code
 * /etc/kldload/kube-init/} (reviewable with {@code --dry-run}); kubeadm, Helm and kubectl come from
 * the node and charts from the offline bundle, each verified against the stack lock's SHA-256.
 * Resumes its own run after a failure; refuses a control plane it did not set up.
 */
public final class KubeInit {
  static final String DIR = "/etc/kldload/kube-init";
  static final String ADMIN_CONF = "/etc/kubernetes/admin.conf";
  static final String APISERVER_MANIFEST = "/etc/kubernetes/manifests/kube-apiserver.yaml";
  static final String CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane";
  static final Duration WAIT = Duration.ofMinutes(5);

  /** kubeadm deletes uploaded certificates after two hours; a key older than this is re-minted. */
  static final Duration CERTIFICATE_KEY_LIFE = Duration.ofMinutes(100);

  /** The original's storage fallback without ZFS: the lock's manifest and the class it makes. */
  static final String LOCAL_PATH_MANIFEST = "local-path-provisioner";

  static final String LOCAL_PATH_CLASS = "local-path";

  /** The Prometheus kubelet-scrape bearer token (spec §22), 0600. */
  public static final String KUBELET_TOKEN = "/var/lib/kldload/kubelet-token";

  static final String TETRAGON = "tetragon";

  /** The node name when /etc/hostname is empty or missing. */
  static final String DEFAULT_NODE_NAME = "kldload-cp-1";

  /**
   * What to initialise. Without {@code node}, the name in the node's /etc/hostname; without {@code
   * nodeAddress}, the one {@link KubeNetwork#nodeAddress} finds on the host. The node's id and
   * WireGuard address come from its own wg-k8s file under {@code wireguardDir} (what {@code
   * kube-network init} wrote); {@code id}, when given, must agree with it. Without that file the
   * control plane runs on the LAN (said as a warning). With a {@code vip}, kube-vip holds it on
   * {@code vipInterface} (default: the interface on the VIP's network) from {@code kubeVipImage}
   * (default: the image the stack lock pins for kube-vip).
   */
  public record Request(
      Optional<HostName> node,
      String clusterName,
      NetworkPlan plan,
      Optional<NodeId> id,
      Optional<InetAddress> nodeAddress,
      Optional<InetAddress> vip,
      Path lock,
      Path bundle,
      String wireguardDir,
      Optional<String> vipInterface,
      Optional<String> kubeVipImage) {}

  private final NodeSystem sys;
  private final Supplier<Zfs> zfs;
  private final Supplier<Cluster> cluster;
  private final Supplier<HostNetwork> host;
  private final Instant now;
  private final Consumer<String> warnings;

  /**
   * @param host the node's routes and addresses, read only when the request names no address
   * @param warnings one line for each fallback the plan takes (no WireGuard, no ZFS, unverified
   *     artefacts), told before anything runs
   */
  public KubeInit(
      NodeSystem sys,
      Supplier<Zfs> zfs,
      Supplier<Cluster> cluster,
      Supplier<HostNetwork> host,
      Instant now,
      Consumer<String> warnings) {
    this.sys = sys;
    this.zfs = zfs;
    this.cluster = cluster;
    this.host = host;
    this.now = now;
    this.warnings = warnings;
  }

  /**
   * What every phase reads: the request, the stack lock, the rendered files, the volumes parent.
   */
  private record Inputs(
      Request request,
      HostName node,
      StackLock lock,
      ControlPlaneArtifacts artifacts,
      Optional<DatasetName> root,
      Optional<DatasetName> volumes) {}

  /**
   * The plan, phase by phase: preflight, render, safety snapshot, kubeadm init, CNI, add-ons,
   * storage, join material. A node where kube-init's own {@code kubeadm init} already ran with the
   * same configuration resumes: every phase observes whether it is done (admin.conf, the API, the
   * add-ons' objects) and only the rest runs. Any other control plane is refused (CONFLICT).
   */
  public Plan plan(Request request) {
    HostName node =
        request
            .node()
            .orElseGet(
                () ->
                    HostName.of(
                        sys.read("/etc/hostname").map(String::strip).orElse(DEFAULT_NODE_NAME)));
    KubeNetwork network = network(request);
    StackLockFile lockFile = StackLockFile.load(request.lock(), request.bundle(), warnings);
    StackLock lock = lockFile.lock();
    Optional<DatasetName> root = sys.rootDataset();
    Inputs in =
        new Inputs(
            request,
            node,
            lock,
            new ControlPlaneArtifacts(node, request.clusterName(), lock.kubernetes(), network),
            root,
            root.map(r -> DatasetName.of(r.pool()).child("k8s-volumes")));

    boolean resuming = resuming(in.artifacts());
    Plan.Builder plan = Plan.builder("kube-init");
    List<String> beforeInit = new ArrayList<>();
    beforeInit.add(preflight(plan));
    beforeInit.addAll(render(plan, in));
    request
        .vip()
        .ifPresent(v -> beforeInit.add(kubeVip(plan, kubeVipSpec(request, network, lockFile, v))));
    if (!resuming) {
      // after kubeadm init a snapshot of the pool would not be the state before it
      safetySnapshot(plan, in).ifPresent(beforeInit::add);
    }
    kubeadmInit(plan, in, beforeInit);
    cni(plan, in);
    gatewayApi(plan, in);
    loadBalancer(plan, in);
    storage(plan, in);
    metricsServer(plan, in);
    prometheusKubeletToken(plan);
    tetragon(plan, in);
    joinMaterial(plan);
    if (request.vip().isPresent()) {
      certificateKey(plan);
    }
    return plan.build();
  }

  /**
   * The kube-vip static pod, written where the kubelet that {@code kubeadm init} starts runs it
   * from, so the VIP answers before kubeadm waits for the API on it.
   */
  private String kubeVip(Plan.Builder plan, KubeVip vip) {
    // kubeadm writes its own static pod manifests 0600; ours alike
    plan.add(sys.fileStep("file-kube-vip", KubeVip.MANIFEST, vip.manifest(), 0600));
    return "file-kube-vip";
  }

  private KubeVip kubeVipSpec(
      Request request, KubeNetwork network, StackLockFile lockFile, InetAddress vip) {
    String image =
        request
            .kubeVipImage()
            .or(() -> lockFile.image("kube-vip"))
            .orElseThrow(
                () ->
                    KldloadException.precondition(
                        "--vip needs the kube-vip image, and the stack lock pins none",
                        "give --kube-vip-image REF (tag or @sha256 digest), or use a lock that"
                            + " pins it (IMAGE=…/kube-vip:TAG)"));
    String iface = request.vipInterface().orElseGet(() -> VipInterface.of(host.get(), vip));
    return new KubeVip(
        vip,
        iface,
        image,
        network.apiPort(),
        superAdminConf(lockFile.lock().kubernetes())
            ? "/etc/kubernetes/super-admin.conf"
            : ADMIN_CONF);
  }

  /**
   * Kubernetes 1.29 and later give admin.conf its rights only once the API is up (through the VIP),
   * so the first control plane's kube-vip uses super-admin.conf.
   */
  static boolean superAdminConf(String kubernetesVersion) {
    String[] parts = kubernetesVersion.replaceFirst("^v", "").split("\\.");
    try {
      int major = Integer.parseInt(parts[0]);
      int minor = parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("[^0-9].*", "")) : 0;
      return major > 1 || major == 1 && minor >= 29;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /**
   * Whether a control plane runs here already and it is the one kube-init set up with this very
   * configuration (its rendered kubeadm.yaml, written before kubeadm init, matches): then the run
   * resumes. A control plane set up otherwise, with other settings, or left half-way by kubeadm
   * init (no admin.conf) is refused.
   */
  private boolean resuming(ControlPlaneArtifacts artifacts) {
    if (!sys.exists(APISERVER_MANIFEST)) {
      return false;
    }
    Optional<String> ours = sys.read(DIR + "/kubeadm.yaml");
    if (ours.isEmpty()) {
      throw KldloadException.conflict(
          "a control plane is already set up on this node ("
              + APISERVER_MANIFEST
              + " exists) and kube-init did not set it up",
          "run kube-reset --yes first to start over");
    }
    if (!ours.get().equals(artifacts.kubeadmConfig())) {
      throw KldloadException.conflict(
          "kube-init set up this control plane with other settings ("
              + DIR
              + "/kubeadm.yaml differs from this run's)",
          "re-run with the same options and configuration, or kube-reset --yes to start over");
    }
    if (!sys.exists(ADMIN_CONF)) {
      throw KldloadException.conflict(
          "kubeadm init stopped half-way on this node (" + ADMIN_CONF + " is missing)",
          "run kube-reset --yes, then kube-init again");
    }
    return true;
  }

  /**
   * The node's addresses: on wg-k8s when kube-network gave the node its WireGuard planes, else on
   * the LAN address with Cilium's MTU for a plain network (the original's fallback, said loudly).
   */
  private KubeNetwork network(Request request) {
    InetAddress lan =
        request.nodeAddress().orElseGet(() -> KubeNetwork.nodeAddress(request.plan(), host.get()));
    Optional<NodeId> wg = WireGuardPlace.k8sNode(sys, request.wireguardDir(), request.plan());
    if (wg.isPresent()) {
      if (request.id().isPresent() && !request.id().get().equals(wg.get())) {
        throw KldloadException.invalid(
            "--id "
                + request.id().get()
                + " disagrees with this node's WireGuard address (node "
                + wg.get()
                + " in "
                + WireGuardPlace.file(request.wireguardDir(), request.plan())
                + ")",
            "leave --id out: the node's wg-k8s address names it");
      }
      return KubeNetwork.of(request.plan(), lan, wg.get(), request.vip());
    }
    KubeNetwork network = KubeNetwork.lan(request.plan(), lan, request.vip());
    warnings.accept(
        "no WireGuard on this node ("
            + WireGuardPlace.file(request.wireguardDir(), request.plan())
            + " does not exist): the API server and kubelet use the LAN address "
            + lan.getHostAddress()
            + ", node traffic is NOT encrypted, Cilium MTU "
            + network.ciliumMtu()
            + "; run kube-network init ID first for the encrypted mesh");
    return network;
  }

  /** kubeadm, kubectl and helm must be on the node (kube-setup installs them). */
  private String preflight(Plan.Builder plan) {
    plan.add(
        Step.named("preflight")
            .description("kubeadm, kubectl and helm are installed (kube-setup installs them)")
            .doneWhen(ctx -> missingPrograms().isEmpty())
            .apply(
                ctx -> {
                  throw KldloadException.precondition(
                      "missing " + String.join(", ", missingPrograms()), "run kube-setup first");
                }));
    return "preflight";
  }

  /** Every file kube-init installs, written into {@link #DIR} (shown by a dry-run). */
  private List<String> render(Plan.Builder plan, Inputs in) {
    ControlPlaneArtifacts artifacts = in.artifacts();
    List<String> files = new ArrayList<>();
    files.add(file(plan, "kubeadm", "kubeadm.yaml", artifacts.kubeadmConfig()));
    files.add(file(plan, "cilium-values", "cilium-values.yaml", artifacts.ciliumValues()));
    files.add(file(plan, "gatewayclass", "gatewayclass.yaml", artifacts.gatewayClass()));
    files.add(file(plan, "metallb", "metallb.yaml", artifacts.metallb()));
    files.add(
        file(
            plan,
            "prometheus-kubelet",
            "prometheus-kubelet.yaml",
            ControlPlaneArtifacts.prometheusKubeletAccess()));
    if (hasChart(in.lock(), TETRAGON)) {
      files.add(
          file(
              plan,
              "tetragon-values",
              "tetragon-values.yaml",
              ControlPlaneArtifacts.tetragonValues()));
    }
    files.add(
        file(
            plan,
            "metrics-server-values",
            "metrics-server-values.yaml",
            ControlPlaneArtifacts.metricsServerValues()));
    in.volumes()
        .ifPresent(
            v ->
                files.add(
                    file(
                        plan,
                        "zfs-storage",
                        "zfs-storage.yaml",
                        ControlPlaneArtifacts.zfsStorage(v))));
    return files;
  }

  /**
   * A recursive snapshot of the root pool when / is on ZFS; its failure does not stop kube-init.
   */
  private Optional<String> safetySnapshot(Plan.Builder plan, Inputs in) {
    if (in.root().isEmpty()) {
      return Optional.empty();
    }
    Step snap =
        PreOpSnapshot.step(zfs.get(), DatasetName.of(in.root().get().pool()), "kube-init", now);
    plan.add(
        Step.named(snap.id())
            .description(snap.description())
            .nonCritical()
            .doneWhen(snap::isDone)
            .apply(snap::apply));
    return Optional.of(snap.id());
  }

  /** kubeadm init, root's kubeconfig, and the control-plane taint lifted. */
  private void kubeadmInit(Plan.Builder plan, Inputs in, List<String> after) {
    plan.add(
        Step.named("kubeadm-init")
            .description("kubeadm init --config " + DIR + "/kubeadm.yaml --upload-certs")
            .after(after)
            .doneWhen(ctx -> sys.exists(ADMIN_CONF))
            .apply(
                ctx ->
                    run(
                        Duration.ofMinutes(15),
                        "kubeadm",
                        "init",
                        "--config",
                        path("kubeadm.yaml"),
                        "--upload-certs")));
    plan.add(
        Step.named("admin-kubeconfig")
            .description("copy " + ADMIN_CONF + " to /root/.kube/config (0600)")
            .after("kubeadm-init")
            .doneWhen(
                ctx ->
                    sys.read(ADMIN_CONF)
                        .map(c -> sys.matches("/root/.kube/config", c, 0600))
                        .orElse(false))
            .apply(
                ctx -> sys.write("/root/.kube/config", sys.read(ADMIN_CONF).orElseThrow(), 0600)));
    String node = in.node().value();
    plan.add(
        Step.named("untaint")
            .description("let workloads run on " + node + " (remove the control-plane taint)")
            .after("kubeadm-init")
            .doneWhen(
                ctx ->
                    cluster
                        .get()
                        .node(node)
                        .map(
                            n ->
                                n.taints().stream()
                                    .noneMatch(t -> t.key().equals(CONTROL_PLANE_TAINT)))
                        .orElse(false))
            .apply(ctx -> cluster.get().untaint(node, CONTROL_PLANE_TAINT, Optional.empty())));
  }

  /** Cilium, then the node is Ready. */
  private void cni(Plan.Builder plan, Inputs in) {
    Path bundle = in.request().bundle();
    plan.add(
        helm("cilium", in.lock(), "kube-system", "cilium-values.yaml", "kubeadm-init")
            .doneWhen(ctx -> ready(WorkloadStatus.Kind.DAEMON_SET, "kube-system", "cilium"))
            .apply(
                ctx -> {
                  helmInstall("cilium", in.lock(), bundle, "kube-system", "cilium-values.yaml");
                  cluster
                      .get()
                      .awaitWorkloadReady(
                          WorkloadStatus.Kind.DAEMON_SET, "kube-system", "cilium", WAIT);
                  cluster.get().awaitNodeReady(in.node().value(), WAIT);
                }));
  }

  /** Gateway API CRDs from the bundle and the GatewayClass Cilium serves. */
  private void gatewayApi(Plan.Builder plan, Inputs in) {
    StackLock lock = in.lock();
    StackLock.Artifact gatewayApi = lock.require(lock.manifests(), "manifest", "gateway-api");
    plan.add(
        Step.named("gateway-api")
            .description("Gateway API CRDs " + gatewayApi.version() + " and GatewayClass cilium")
            .after("helm-cilium")
            .nonCritical()
            .doneWhen(ctx -> kubectlReads("get", "gatewayclass", "cilium"))
            .apply(
                ctx -> {
                  Path manifest =
                      KubeSetup.verified(in.request().bundle(), gatewayApi, List.of(gatewayApi));
                  run(
                      WAIT,
                      "kubectl",
                      "--kubeconfig",
                      sys.path(ADMIN_CONF).toString(),
                      "apply",
                      "-f",
                      manifest.toString());
                  cluster.get().apply(in.artifacts().gatewayClass());
                }));
  }

  /** MetalLB and its address pool. */
  private void loadBalancer(Plan.Builder plan, Inputs in) {
    plan.add(
        helm("metallb", in.lock(), "metallb-system", null, "helm-cilium")
            .nonCritical()
            .doneWhen(
                ctx ->
                    kubectlReads(
                        "get",
                        "-n",
                        "metallb-system",
                        "ipaddresspool",
                        ControlPlaneArtifacts.METALLB_POOL))
            .apply(
                ctx -> {
                  helmInstall("metallb", in.lock(), in.request().bundle(), "metallb-system", null);
                  cluster
                      .get()
                      .awaitWorkloadReady(
                          WorkloadStatus.Kind.DEPLOYMENT,
                          "metallb-system",
                          "metallb-controller",
                          WAIT);
                  cluster.get().apply(in.artifacts().metallb());
                }));
  }

  /**
   * ZFS LocalPV on the volumes dataset when / is on ZFS; else the original's fallback, Rancher's
   * local-path provisioner (host directories: no snapshots, no quotas), said loudly.
   */
  private void storage(Plan.Builder plan, Inputs in) {
    if (in.volumes().isEmpty()) {
      localPath(plan, in);
      return;
    }
    in.volumes()
        .ifPresent(
            v ->
                plan.add(
                    helm("zfs-localpv", in.lock(), "openebs", null, "helm-cilium")
                        .nonCritical()
                        .doneWhen(ctx -> kubectlReads("get", "storageclass", "zfs-db"))
                        .apply(
                            ctx -> {
                              if (!zfs.get().exists(v)) {
                                Map<String, String> props =
                                    new LinkedHashMap<>(
                                        Ownership.of("kube-init", "k8s-volumes", now)
                                            .toProperties());
                                props.put("mountpoint", "none");
                                props.put("compression", "lz4");
                                zfs.get().createFilesystem(v, props);
                              }
                              helmInstall(
                                  "zfs-localpv", in.lock(), in.request().bundle(), "openebs", null);
                              cluster.get().apply(ControlPlaneArtifacts.zfsStorage(v));
                            })));
  }

  private void localPath(Plan.Builder plan, Inputs in) {
    warnings.accept(
        "/ is not on ZFS: persistent volumes fall back to the local-path provisioner (plain"
            + " directories on this node, no snapshots, no quotas) as the default StorageClass "
            + LOCAL_PATH_CLASS);
    plan.add(
        Step.named("local-path")
            .description(
                "local-path provisioner from the bundle; StorageClass "
                    + LOCAL_PATH_CLASS
                    + " made the default (/ is not on ZFS)")
            .after("helm-cilium")
            .nonCritical()
            .doneWhen(
                ctx ->
                    kubectlOutput(
                            "get",
                            "storageclass",
                            LOCAL_PATH_CLASS,
                            "-o",
                            "jsonpath={.metadata.annotations.storageclass\\.kubernetes\\.io/is-default-class}")
                        .map(v -> v.strip().equals("true"))
                        .orElse(false))
            .apply(
                ctx -> {
                  StackLock lock = in.lock();
                  StackLock.Artifact manifest =
                      lock.require(lock.manifests(), "manifest", LOCAL_PATH_MANIFEST);
                  Path file =
                      KubeSetup.verified(in.request().bundle(), manifest, List.of(manifest));
                  kubectl("apply", "-f", file.toString());
                  // kube-init made this cluster: no other class can be the default already
                  kubectl(
                      "annotate",
                      "--overwrite",
                      "storageclass",
                      LOCAL_PATH_CLASS,
                      "storageclass.kubernetes.io/is-default-class=true");
                }));
  }

  /** metrics-server, after approving the kubelets' serving certificates it verifies. */
  private void metricsServer(Plan.Builder plan, Inputs in) {
    plan.add(
        helm(
                "metrics-server",
                in.lock(),
                "kube-system",
                "metrics-server-values.yaml",
                "helm-cilium")
            .nonCritical()
            .doneWhen(ctx -> ready(WorkloadStatus.Kind.DEPLOYMENT, "kube-system", "metrics-server"))
            .apply(
                ctx -> {
                  approveServingCertificates();
                  helmInstall(
                      "metrics-server",
                      in.lock(),
                      in.request().bundle(),
                      "kube-system",
                      "metrics-server-values.yaml");
                }));
  }

  /**
   * The Prometheus kubelet-scrape account and a one-year token for it in {@link #KUBELET_TOKEN},
   * 0600 (the original left it 0644). Optional: a failure is reported (exit 3), the rest is done.
   */
  private void prometheusKubeletToken(Plan.Builder plan) {
    String account = ControlPlaneArtifacts.PROMETHEUS_KUBELET;
    plan.add(
        Step.named("prometheus-kubelet")
            .description(
                "ServiceAccount "
                    + account
                    + " (read kubelet metrics only) and its token in "
                    + KUBELET_TOKEN
                    + " (0600)")
            .after("kubeadm-init")
            .nonCritical()
            .doneWhen(
                ctx ->
                    sys.read(KUBELET_TOKEN).map(t -> t.strip().length() > 20).orElse(false)
                        && sys.mode(KUBELET_TOKEN) == 0600
                        && kubectlReads("get", "-n", "kube-system", "serviceaccount", account))
            .apply(
                ctx -> {
                  cluster.get().apply(ControlPlaneArtifacts.prometheusKubeletAccess());
                  ProcessResult r =
                      sys.runner()
                          .run(
                              ProcessSpec.of(
                                      "kubectl",
                                      "--kubeconfig",
                                      sys.path(ADMIN_CONF).toString(),
                                      "create",
                                      "token",
                                      account,
                                      "-n",
                                      "kube-system",
                                      "--duration=8760h")
                                  .timeout(Duration.ofMinutes(1))
                                  .build());
                  String token = r.stdout().strip();
                  // a bearer token is a JWT: one line, far longer than 20 characters
                  if (!r.ok() || token.length() <= 20 || token.contains("\n")) {
                    throw new KldloadException(
                        ErrorKind.FAILED,
                        "kubectl create token "
                            + account
                            + " gave no token (exit "
                            + r.exitCode()
                            + "): "
                            + r.errorTail(),
                        "re-run kube-init; Prometheus cannot scrape kubelets until then");
                  }
                  sys.write(KUBELET_TOKEN, token + "\n", 0600);
                }));
  }

  /** Tetragon, when the bundle carries its chart (the lock pins it). Optional, as the original. */
  private void tetragon(Plan.Builder plan, Inputs in) {
    if (!hasChart(in.lock(), TETRAGON)) {
      return;
    }
    plan.add(
        helm(TETRAGON, in.lock(), "kube-system", "tetragon-values.yaml", "helm-cilium")
            .nonCritical()
            .doneWhen(ctx -> ready(WorkloadStatus.Kind.DAEMON_SET, "kube-system", TETRAGON))
            .apply(
                ctx ->
                    helmInstall(
                        TETRAGON,
                        in.lock(),
                        in.request().bundle(),
                        "kube-system",
                        "tetragon-values.yaml")));
  }

  private static boolean hasChart(StackLock lock, String name) {
    return lock.charts().stream().anyMatch(a -> a.name().equals(name));
  }

  /** A fresh join command in {@link JoinCommand#FILE} (0600), where kube-join reads it. */
  private void joinMaterial(Plan.Builder plan) {
    plan.add(
        Step.named("join-command")
            .description("mint a join command into " + JoinCommand.FILE + " (0600)")
            .after("helm-cilium")
            .doneWhen(ctx -> sys.read(JoinCommand.FILE).map(KubeInit::parses).orElse(false))
            .apply(
                ctx -> {
                  ProcessResult r =
                      sys.runner()
                          .run(
                              ProcessSpec.of("kubeadm", "token", "create", "--print-join-command")
                                  .build());
                  if (!r.ok()) {
                    throw new KldloadException(
                        ErrorKind.FAILED,
                        "kubeadm token create exited " + r.exitCode() + ": " + r.errorTail(),
                        null);
                  }
                  JoinCommand join = JoinCommand.parse(r.stdout(), "kubeadm token create");
                  sys.write(JoinCommand.FILE, join.line() + "\n", 0600);
                }));
  }

  /**
   * The control-plane certificates uploaded to the cluster (kubeadm-certs, encrypted) and their key
   * in {@link JoinCommand#CERTIFICATE_KEY_FILE} (0600), for {@code kube-join --control-plane}.
   * kubeadm refuses {@code --certificate-key} beside {@code --config}, so it mints the key and
   * prints it; done while the key is younger than the certificates' two hours, less a margin.
   */
  private void certificateKey(Plan.Builder plan) {
    String file = JoinCommand.CERTIFICATE_KEY_FILE;
    plan.add(
        Step.named("certificate-key")
            .description(
                "upload the control-plane certificates; their key into " + file + " (0600)")
            .after("kubeadm-init")
            .doneWhen(
                ctx ->
                    sys.read(file)
                            .map(k -> JoinCommand.CERT_KEY.matcher(k.strip()).matches())
                            .orElse(false)
                        && sys.mode(file) == 0600
                        && sys.modified(file).isAfter(now.minus(CERTIFICATE_KEY_LIFE)))
            .apply(
                ctx -> {
                  ProcessResult r =
                      sys.runner()
                          .run(
                              ProcessSpec.of(
                                      "kubeadm",
                                      "init",
                                      "phase",
                                      "upload-certs",
                                      "--upload-certs",
                                      "--config",
                                      path("kubeadm.yaml"))
                                  .timeout(Duration.ofMinutes(2))
                                  .build());
                  if (!r.ok()) {
                    throw new KldloadException(
                        ErrorKind.FAILED,
                        "kubeadm init phase upload-certs exited "
                            + r.exitCode()
                            + ": "
                            + r.errorTail(),
                        "fix the cause and re-run kube-init; finished steps are skipped");
                  }
                  // the key is the output's last line
                  List<String> lines = r.stdout().strip().lines().toList();
                  String key =
                      JoinCommand.certificateKey(
                          lines.isEmpty() ? "" : lines.get(lines.size() - 1),
                          "kubeadm init phase upload-certs");
                  sys.write(file, key + "\n", 0600);
                }));
  }

  /**
   * The lock scopes a real run holds: the node, and ZFS when / is on ZFS (the pre-init snapshot and
   * the volumes dataset).
   */
  public List<String> locks() {
    return sys.rootDataset().isPresent()
        ? List.of(NodeLocks.NODE, NodeLocks.ZFS)
        : List.of(NodeLocks.NODE);
  }

  private String file(Plan.Builder plan, String id, String name, String content) {
    plan.add(sys.fileStep("file-" + id, DIR + "/" + name, content, 0644));
    return "file-" + id;
  }

  private String path(String name) {
    return sys.path(DIR + "/" + name).toString();
  }

  private static boolean parses(String text) {
    try {
      JoinCommand.parse(text, "join command");
      return true;
    } catch (KldloadException e) {
      return false;
    }
  }

  private List<String> missingPrograms() {
    return List.of("kubeadm", "kubectl", "helm").stream().filter(p -> !sys.has(p)).toList();
  }

  private boolean ready(WorkloadStatus.Kind kind, String ns, String name) {
    if (!sys.exists(ADMIN_CONF)) {
      return false;
    }
    Optional<WorkloadStatus> s =
        kind == WorkloadStatus.Kind.DAEMON_SET
            ? cluster.get().daemonSet(ns, name)
            : cluster.get().deployment(ns, name);
    return s.map(WorkloadStatus::complete).orElse(false);
  }

  private void kubectl(String... args) {
    List<String> argv =
        new ArrayList<>(List.of("kubectl", "--kubeconfig", sys.path(ADMIN_CONF).toString()));
    argv.addAll(List.of(args));
    run(WAIT, argv.toArray(String[]::new));
  }

  /** What a read-only kubectl prints; empty when it fails or there is no cluster yet. */
  private Optional<String> kubectlOutput(String... args) {
    if (!sys.exists(ADMIN_CONF)) {
      return Optional.empty();
    }
    List<String> argv =
        new ArrayList<>(List.of("kubectl", "--kubeconfig", sys.path(ADMIN_CONF).toString()));
    argv.addAll(List.of(args));
    ProcessResult r = sys.runner().run(ProcessSpec.of(argv).readOnly().build());
    return r.ok() ? Optional.of(r.stdout()) : Optional.empty();
  }

  private boolean kubectlReads(String... args) {
    return kubectlOutput(args).isPresent();
  }

  private StepBuilder helm(
      String chart, StackLock lock, String namespace, String values, String after) {
    StackLock.Artifact a = lock.require(lock.charts(), "chart", chart);
    return Step.named("helm-" + chart)
        .description(
            "helm install "
                + chart
                + " "
                + a.version()
                + " into "
                + namespace
                + (values == null ? "" : " with " + DIR + "/" + values))
        .after(after);
  }

  private void helmInstall(
      String chart, StackLock lock, Path bundle, String namespace, String values)
      throws IOException {
    StackLock.Artifact a = lock.require(lock.charts(), "chart", chart);
    Path archive = KubeSetup.verified(bundle, a, List.of(a));
    List<String> argv =
        new ArrayList<>(
            List.of(
                "helm",
                "upgrade",
                "--install",
                chart,
                archive.toString(),
                "--kubeconfig",
                sys.path(ADMIN_CONF).toString(),
                "--namespace",
                namespace,
                "--create-namespace",
                "--wait",
                "--timeout",
                "5m"));
    if (values != null) {
      argv.addAll(List.of("--values", path(values)));
    }
    run(Duration.ofMinutes(6), argv.toArray(String[]::new));
  }

  /** Approves pending kubelet serving certificates of this cluster's nodes (serverTLSBootstrap). */
  private void approveServingCertificates() {
    List<String> nodes = cluster.get().nodes().stream().map(NodeInfo::name).toList();
    ProcessResult r =
        sys.runner()
            .check(
                ProcessSpec.of(
                        "kubectl",
                        "--kubeconfig",
                        sys.path(ADMIN_CONF).toString(),
                        "get",
                        "csr",
                        "-o",
                        "jsonpath={range .items[?(@.spec.signerName==\"kubernetes.io/kubelet-serving\")]}"
                            + "{.metadata.name} {.spec.username}{\"\\n\"}{end}")
                    .readOnly()
                    .build());
    for (String line : r.stdout().lines().toList()) {
      String[] f = line.strip().split(" ");
      if (f.length == 2 && nodes.stream().anyMatch(n -> f[1].equals("system:node:" + n))) {
        run(
            Duration.ofMinutes(1),
            "kubectl",
            "--kubeconfig",
            sys.path(ADMIN_CONF).toString(),
            "certificate",
            "approve",
            f[0]);
      }
    }
  }

  private void run(Duration timeout, String... argv) {
    ProcessResult r = sys.runner().run(ProcessSpec.of(argv).timeout(timeout).build());
    if (!r.ok()) {
      throw new KldloadException(
          ErrorKind.FAILED,
          argv[0] + " " + argv[1] + " exited " + r.exitCode() + ": " + r.errorTail(),
          "fix the cause and re-run kube-init; finished steps are skipped");
    }
  }
}
