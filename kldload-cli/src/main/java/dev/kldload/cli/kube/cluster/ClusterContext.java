package dev.kldload.cli.kube.cluster;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Engines;
import dev.kldload.core.KldloadException;
import dev.kldload.core.config.Config;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.HostName;
import dev.kldload.core.value.VmName;
import dev.kldload.kube.golden.AptSources;
import dev.kldload.kube.golden.GoldenBuilder;
import dev.kldload.kube.golden.GoldenRequest;
import dev.kldload.kube.orchestrator.AddressReservations;
import dev.kldload.kube.orchestrator.ClusterBootstrap;
import dev.kldload.kube.orchestrator.ClusterDestroy;
import dev.kldload.kube.orchestrator.ClusterKubernetes;
import dev.kldload.kube.orchestrator.ClusterManifest;
import dev.kldload.kube.orchestrator.ClusterReach;
import dev.kldload.kube.orchestrator.ClusterSmoke;
import dev.kldload.kube.orchestrator.ClusterStatus;
import dev.kldload.kube.orchestrator.ClusterStore;
import dev.kldload.kube.orchestrator.DefaultNetwork;
import dev.kldload.kube.orchestrator.GoldenStack;
import dev.kldload.kube.orchestrator.HostFacts;
import dev.kldload.kube.orchestrator.HostPeer;
import dev.kldload.kube.orchestrator.NodeRecord;
import dev.kldload.kube.orchestrator.NodeSeeds;
import dev.kldload.kube.orchestrator.SmokePhase;
import dev.kldload.kube.smoke.SmokeCatalogue;
import dev.kldload.kube.smoke.SmokeContext;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kube.ssh.SshTarget;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.Virtualisation;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.disk.Qcow2Backend;
import dev.kldload.kvm.disk.ZvolBackend;
import dev.kldload.kvm.seed.AdminKey;
import dev.kldload.kvm.seed.HostKeys;
import dev.kldload.kvm.seed.NoCloudSeed;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WireGuard;
import dev.kldload.net.node.MeshService;
import dev.kldload.net.node.NodeSettings;
import dev.kldload.net.node.NodeStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * What a {@code kube-cluster} verb needs, built inside {@code call()} so no other tool loads
 * libvirt: the effective configuration (the cluster file's {@code network:} over the host's), the
 * cluster store, one hypervisor connection per libvirt URI a node names (closed with this), the
 * host's disk backend and the host's own mesh.
 *
 * <p>A dry-run changes nothing, not even the state directory: a cluster not yet recorded is
 * admitted into a scratch state directory (removed on close), and the host's mesh keys come from a
 * scratch store when the host has none yet.
 */
final class ClusterContext implements AutoCloseable {
  static final String GOLDEN_SNAPSHOT = "golden";

  /** Each smoke check's deadline in bootstrap's last phase, as kube-smoke-test's default. */
  static final Duration SMOKE_TIMEOUT = Duration.ofSeconds(30);

  final Cli cli;
  final Config config;
  final boolean dryRun;
  final NetworkPlan plan;
  final ClusterName name;
  final ClusterStore store;
  private final Engines engines;
  private final Map<String, Hypervisor> hypervisors = new LinkedHashMap<>();
  private DiskBackend disks;
  private final AtomicBoolean backendSaid = new AtomicBoolean();
  private Path scratch;

  ClusterContext(Cli cli, ClusterName name, Map<ConfigKey, String> network, boolean dryRun) {
    this.cli = cli;
    this.config = network.isEmpty() ? cli.config() : cli.config().with(network, "cluster " + name);
    this.dryRun = dryRun;
    this.name = name;
    this.plan = NetworkPlan.fromConfig(config);
    this.engines = cli.engines();
    this.store = new ClusterStore(config.stateDir());
  }

  /**
   * The context of a recorded cluster, on the network plan it was built with; exit 4 when there is
   * no such cluster.
   */
  static ClusterContext existing(Cli cli, ClusterName name, boolean dryRun) {
    ClusterStore store = new ClusterStore(cli.config().stateDir());
    ClusterManifest manifest =
        store
            .load(name)
            .orElseThrow(
                () ->
                    KldloadException.notFound(
                        "cluster " + name + " does not exist (no " + store.manifestFile(name) + ")",
                        "give --name, or set CLUSTER_NAME; 'kube-cluster status' lists none"));
    Map<ConfigKey, String> network = new EnumMap<>(ConfigKey.class);
    manifest.network().forEach((k, v) -> ConfigKey.byKey(k).ifPresent(key -> network.put(key, v)));
    return new ClusterContext(cli, name, network, dryRun);
  }

  /** The {@code net.*} values in effect, as the manifest records them. */
  Map<String, String> networkKeys() {
    Map<String, String> out = new TreeMap<>();
    for (ConfigKey key : ConfigKey.values()) {
      if (key.key().startsWith("net.")) {
        config.get(key).ifPresent(v -> out.put(key.key(), v));
      }
    }
    return out;
  }

  /** The cluster name: the flag, else {@code CLUSTER_NAME}, else {@code kldload}. */
  static ClusterName clusterName(Cli cli, String flag) {
    if (flag != null) {
      return ClusterName.of(flag);
    }
    String env = cli.env().get("CLUSTER_NAME");
    return ClusterName.of(env == null || env.isBlank() ? "kldload" : env);
  }

  /** {@code --yes}, or {@code KUBE_CLUSTER_YES=1} as the original honoured it. */
  static boolean yes(Cli cli, boolean flag) {
    return flag || "1".equals(cli.env().get("KUBE_CLUSTER_YES"));
  }

  String defaultUri() {
    return cli.libvirtUri(null);
  }

  synchronized Hypervisor hypervisor(String uri) {
    return hypervisors.computeIfAbsent(uri, engines::hypervisor);
  }

  VmName golden() {
    return VmName.of(config.require(ConfigKey.KUBE_GOLDEN));
  }

  ClusterBootstrap.Golden goldenSnapshot() {
    return new ClusterBootstrap.Golden(golden(), GOLDEN_SNAPSHOT);
  }

  ProcessRunner runner() {
    return engines.processRunner(dryRun);
  }

  /** Each wait of a node coming up (config {@code kube.reach-seconds}). */
  ClusterReach.Deadlines reachDeadlines() {
    String text = config.require(ConfigKey.KUBE_REACH_SECONDS);
    if (!text.matches("[1-9][0-9]{0,5}")) {
      throw KldloadException.invalid(
          "kube.reach-seconds '" + text + "' is not a number of seconds",
          "give a whole number from 1, e.g. 600");
    }
    return ClusterReach.Deadlines.of(Duration.ofSeconds(Long.parseLong(text)));
  }

  /**
   * The domain type for the golden and so for every node: {@code kvm.virt-type} when it was set; by
   * default {@code kvm} where a probe guest really runs under it, else {@code qemu}, said once.
   */
  String virtType() {
    String configured = config.require(ConfigKey.KVM_VIRT_TYPE);
    if (!configured.equals("kvm")
        || !config.source(ConfigKey.KVM_VIRT_TYPE).orElse("").equals("default")) {
      return configured;
    }
    Virtualisation probe = engines.hardwareVirtualisation();
    if (probe.hardware()) {
      return "kvm";
    }
    cli.warn(
        "hardware virtualisation does not run guests here ("
            + probe.reason()
            + "): the golden and its nodes use qemu (software emulation)");
    return "qemu";
  }

  /** The golden's builder on {@code uri}'s hypervisor and this host's disks. */
  GoldenBuilder goldenBuilder(String uri) {
    return new GoldenBuilder(
        hypervisor(uri),
        disks(),
        runner(),
        AptSources.ofHost(),
        Path.of(config.require(ConfigKey.KUBE_GOLDEN_CACHE)),
        imagesDir(),
        goldenStacks(),
        suiteHome());
  }

  /**
   * The running suite's runtime directory, which the launcher names ({@code kldload.home}): what a
   * golden with Kubernetes gets as its node tools. Empty when the suite runs from classes (a test
   * or an IDE), not from its runtime.
   */
  static Optional<Path> suiteHome() {
    return Optional.ofNullable(System.getProperty("kldload.home")).map(Path::of);
  }

  /** What {@code golden} builds: the configured name and mirror, on network {@code default}. */
  GoldenRequest goldenRequest(Optional<ByteSize> disk, Optional<Path> image, boolean rebuild) {
    GoldenRequest request =
        GoldenRequest.defaults(virtType()).withName(golden()).withRebuild(rebuild);
    if (disk.isPresent()) {
      request =
          new GoldenRequest(
              request.name(),
              disk.get(),
              request.virtType(),
              request.network(),
              request.image(),
              request.imageBoot(),
              request.mirror(),
              request.rebuild());
    }
    if (image.isPresent()) {
      request = request.withImage(image.get(), Optional.empty());
    }
    Optional<String> mirror = config.get(ConfigKey.KUBE_GOLDEN_MIRROR);
    return mirror.isPresent() ? request.withMirror(mirror.get()) : request;
  }

  Path imagesDir() {
    return Path.of(config.require(ConfigKey.KVM_IMAGES_DIR));
  }

  Path hostsFile() {
    return Path.of(config.require(ConfigKey.KUBE_HOSTS_FILE));
  }

  /**
   * The host's disk backend (config {@code kvm.backend}); nodes on another libvirt host share the
   * same kind of storage under the same names, so one backend serves every URI here.
   */
  synchronized DiskBackend disks() {
    if (disks == null) {
      String kind = backendKind();
      disks =
          switch (kind) {
            case "qcow2" -> new Qcow2Backend(imagesDir(), runner(), cli.clock());
            case "zfs" -> {
              if (!engines.zfsAvailable()) {
                throw KldloadException.precondition(
                    "the zfs disk backend needs ZFS on this host (/dev/zfs is missing)",
                    "set kvm.backend: qcow2 (KLDLOAD_KVM_BACKEND=qcow2)");
              }
              yield ZvolBackend.onHost(
                  engines.zfs(dryRun),
                  DatasetName.of(config.require(ConfigKey.ZFS_VM_PARENT)),
                  runner(),
                  cli.clock(),
                  cli.cancellation());
            }
            default ->
                throw KldloadException.invalid(
                    "disk backend '" + kind + "' is not known", "set kvm.backend to zfs or qcow2");
          };
    }
    return disks;
  }

  /**
   * {@code kvm.backend} when it was set; by default zfs where this host has ZFS, else qcow2 files
   * in {@code kvm.images-dir} (a fresh Debian install has no ZFS), said once.
   */
  private String backendKind() {
    String configured = config.require(ConfigKey.KVM_BACKEND);
    boolean chosen = !config.source(ConfigKey.KVM_BACKEND).orElse("").equals("default");
    if (chosen || !configured.equals("zfs") || engines.zfsAvailable()) {
      return configured;
    }
    if (backendSaid.compareAndSet(false, true)) {
      cli.warn(
          "no ZFS on this host (/dev/zfs is missing): disks are qcow2 files in " + imagesDir());
    }
    return "qcow2";
  }

  HostFacts.DiskSpace diskSpace() {
    return backendKind().equals("zfs")
        ? HostFacts.DiskSpace.pool(
            engines.zfs(dryRun), DatasetName.of(config.require(ConfigKey.ZFS_VM_PARENT)))
        : HostFacts.DiskSpace.directory(imagesDir());
  }

  HostFacts facts(String uri) {
    return new HostFacts(
        new HostFacts.Sources(
            engines.hostInfo(),
            hypervisor(uri),
            disks(),
            diskSpace(),
            store,
            engines.hostNetwork(false)));
  }

  /**
   * The host's mesh store: the real one, or in a dry-run a scratch one when the host has no mesh
   * keys yet (making them is a change).
   */
  NodeStore hostNodeStore() {
    NodeStore real = new NodeStore(config.stateDir());
    if (!dryRun || Arrays.stream(PlaneKind.values()).allMatch(k -> real.key(k).isPresent())) {
      return real;
    }
    return new NodeStore(scratch().resolve("host"));
  }

  WireGuard hostWireGuard() {
    return engines.wireGuard(dryRun);
  }

  MeshService hostMesh(NodeStore hostStore) {
    return new MeshService(
        plan,
        hostStore,
        engines.wireGuard(dryRun),
        engines.nameResolver(),
        runner(),
        NodeSettings.fromConfig(config));
  }

  NodeSeeds seeds(ClusterStore clusters, NodeStore hostStore) {
    return new NodeSeeds(clusters, plan, HostPeer.fromNodeStore(plan, hostStore));
  }

  ClusterBootstrap bootstrap(NodeSeeds seeds, MeshService hostMesh) {
    return new ClusterBootstrap(
        plan,
        seeds,
        this::hypervisor,
        uri -> disks(),
        new NoCloudSeed(runner())::writeIso,
        imagesDir(),
        hostMesh,
        hostsFile());
  }

  /** The store a run admits new nodes into: the real one, a scratch copy in a dry-run. */
  ClusterStore admissionStore() {
    if (!dryRun) {
      return store;
    }
    return new ClusterStore(scratch().resolve("state"));
  }

  /** The recorded cluster; exit 4 naming it when there is none. */
  ClusterManifest manifest() {
    return store
        .load(name)
        .orElseThrow(
            () ->
                KldloadException.notFound(
                    "cluster " + name + " does not exist (no " + store.manifestFile(name) + ")",
                    "give --name, or see the clusters in "
                        + config.stateDir().resolve("clusters")));
  }

  /**
   * The cluster's known_hosts, every node's recorded host key pinned under its name (made from the
   * manifest, so pinning again changes nothing).
   */
  KnownHosts knownHosts(ClusterManifest manifest) {
    KnownHosts known = knownHostsFile();
    for (NodeRecord node : manifest.nodes()) {
      if (!known.types(HostName.of(node.name())).contains(keyType(node.sshHostKey()))) {
        known.pin(HostName.of(node.name()), node.sshHostKey());
      }
    }
    return known;
  }

  private static String keyType(String publicKey) {
    return publicKey.strip().split("\\s+")[0];
  }

  /** Each node's reach (lease, SSH, cloud-init) and the host's handshakes with it. */
  ClusterReach reach(RemoteShell shell, KnownHosts known) {
    return new ClusterReach(
        plan,
        this::hypervisor,
        shell,
        known,
        hostWireGuard(),
        reachDeadlines(),
        Conditions::system);
  }

  /**
   * The Kubernetes phases on the nodes: SSH as root at each node's LAN address, the API through the
   * cluster's own kubeconfig, logs under {@code kube.log-dir}. A dry-run only reads (the steps'
   * isDone), so it looks at the real state too.
   */
  ClusterKubernetes kubernetes(RemoteShell shell) {
    return kubernetes(shell, Path.of(config.require(ConfigKey.KUBE_BUNDLE)));
  }

  /** As {@link #kubernetes(RemoteShell)}, the kube-vip image from {@code bundle}'s stack lock. */
  ClusterKubernetes kubernetes(RemoteShell shell, Path bundle) {
    return new ClusterKubernetes(
        plan,
        shell,
        node -> SshTarget.root(HostName.of(node.name()), node.lanAddress()),
        engines.kubeconfigFiles(),
        engines::cluster,
        store.dir(name),
        userKubeconfig(),
        Path.of(config.require(ConfigKey.KUBE_LOG_DIR)),
        ClusterKubernetes.Deadlines.defaults(),
        Conditions::system,
        () -> ClusterKubernetes.kubeVipImage(bundle, cli::warn));
  }

  /**
   * What the API says through the cluster's kept kubeconfig, cut off after {@code deadline}; empty
   * when the cluster has none (it does not run Kubernetes yet).
   */
  Optional<ClusterStatus.KubernetesReport> kubernetesStatus(Duration deadline) {
    Path kubeconfig = store.dir(name).resolve("kubeconfig");
    return Files.exists(kubeconfig)
        ? Optional.of(
            ClusterStatus.kubernetes(
                kubeconfig, engines.kubeconfigFiles(), engines::cluster, deadline))
        : Optional.empty();
  }

  /**
   * {@code kube-smoke-test --cluster}'s engine on this cluster's network plan, its notes on stderr,
   * bound to {@code cancellation}.
   */
  ClusterSmoke smoke(Duration timeout, boolean fix, CancellationToken cancellation) {
    return new ClusterSmoke(
        new ClusterSmoke.Settings(
            plan,
            SmokeContext.Paths.fromConfig(config),
            timeout,
            fix,
            line -> {
              cli.err().println(line);
              cli.err().flush();
            },
            file -> engines.cluster(file, cancellation)),
        cancellation,
        cli.clock());
  }

  /** Bootstrap's last phase: every check of the catalogue, the result kept for status. */
  Step smokePhase(ClusterManifest manifest, RemoteShell shell) {
    return SmokePhase.step(
        manifest,
        shell,
        SmokeCatalogue.all(plan),
        store.dir(name),
        cancellation -> smoke(SMOKE_TIMEOUT, false, cancellation));
  }

  /** The operator's {@code ~/.kube/config}, where the cluster's context {@code <name>} goes. */
  Path userKubeconfig() {
    String home = cli.env().getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home, ".kube", "config");
  }

  /** Which Kubernetes stack each golden carries, as recorded when it was provisioned. */
  GoldenStack goldenStacks() {
    return new GoldenStack(config.stateDir());
  }

  /** SSH to the nodes as root with the admin key, pinned to the cluster's known_hosts. */
  RemoteShell remoteShell(ClusterManifest manifest) {
    return remoteShell(knownHosts(manifest));
  }

  RemoteShell remoteShell(KnownHosts known) {
    return engines.remoteShell(AdminKey.privateKey(config.stateDir()), known);
  }

  /** The cluster's known_hosts as it is (a scratch one in a dry-run); pins are added by reach. */
  KnownHosts knownHostsFile() {
    return KnownHosts.at((dryRun ? scratch() : store.dir(name)).resolve("known_hosts"));
  }

  /** A dry-run's scratch store gets the recorded cluster's keys, so its seeds can be shown. */
  void copyKeys(ClusterStore to, ClusterManifest manifest) {
    ClusterStore from = store;
    ClusterName cluster = ClusterName.of(manifest.name());
    for (NodeRecord node : manifest.nodes()) {
      Path source = from.keyDir(cluster, node.name());
      Path target = to.keyDir(cluster, node.name());
      try (var files = Files.list(source)) {
        for (Path f : files.toList()) {
          PrivateFiles.write(target.resolve(f.getFileName()), Files.readString(f));
        }
      } catch (IOException e) {
        throw KldloadException.precondition(
            "cannot read the keys of " + node.name() + " in " + source + ": " + e.getMessage(),
            "run as root");
      }
    }
  }

  ClusterDestroy destroy(NodeStore hostStore) {
    return new ClusterDestroy(
        plan,
        this::hypervisor,
        uri -> disks(),
        node -> imagesDir().resolve(node + "-seed.iso"),
        hostStore,
        hostWireGuard(),
        NodeSettings.fromConfig(config).wireguardDir(),
        hostsFile(),
        store,
        new AddressReservations(this::hypervisor, DefaultNetwork.NAME));
  }

  /** The shared admin key's public half (kvm-create's too), made once when missing. */
  String adminPublicKey() {
    Path pub = AdminKey.publicKey(config.stateDir());
    if (Files.isRegularFile(pub)) {
      return read(pub);
    }
    Path at = dryRun ? scratch().resolve("admin_ed25519") : AdminKey.privateKey(config.stateDir());
    // a dry-run makes one too: only in its scratch directory
    AdminKey.generate(engines.processRunner(false), at);
    return read(at.resolveSibling(at.getFileName() + ".pub"));
  }

  /** A node's SSH host keys for a new identity, generated in a private temporary directory. */
  HostKeys newHostKeys(String node) {
    // a dry-run makes them too: they go only into the scratch state
    return HostKeys.generate(engines.processRunner(false), "root@" + node);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw KldloadException.precondition(
          "cannot read " + file + ": " + e.getMessage(), "run as root");
    }
  }

  private synchronized Path scratch() {
    if (scratch == null) {
      try {
        scratch =
            Files.createTempDirectory(
                "kldload-plan-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return scratch;
  }

  Optional<Path> scratchDir() {
    return Optional.ofNullable(scratch);
  }

  @Override
  public void close() {
    hypervisors.values().forEach(Hypervisor::close);
    if (scratch != null) {
      try (Stream<Path> files = Files.walk(scratch)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        cli.warn("could not remove the dry-run's scratch directory " + scratch);
      }
    }
  }
}
