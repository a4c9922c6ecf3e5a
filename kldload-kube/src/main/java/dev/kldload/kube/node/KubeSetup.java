package dev.kldload.kube.node;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.Programs;
import dev.kldload.core.value.DatasetName;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.Ownership;
import dev.kldload.zfs.Zfs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code kube-setup}: makes a machine a Kubernetes node. Each step observes the machine first, so a
 * second run changes nothing: kernel modules and sysctls, swap off for good, ZFS datasets for etcd,
 * containerd and the kubelet (when the node has a pool), containerd and crictl configuration, CNI
 * directories, the kubelet's node address, and finally the pinned packages and CLI tools from the
 * offline bundle, each verified against the stack lock's SHA-256. Nothing is downloaded.
 *
 * <p>For an image ({@link Request#image()}: a golden's chroot, never booted) the same files are
 * written but nothing is applied to the running kernel (the modules and sysctls load at the node's
 * boot from their files), units are enabled instead of started, no datasets are made (kube-init
 * makes them on the node, or uses its hostpath fallback) and the bundle's node files (the lock,
 * charts, manifests and {@code k8s-images/}) are copied to where the node's {@code kube-init} and
 * {@code kube-load-images} read them.
 */
public final class KubeSetup {
  public static final String OWNER = "kube-setup";
  static final List<String> MODULES =
      List.of(
          "overlay", "br_netfilter", "ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_sh", "nf_conntrack");
  static final List<String[]> SYSCTLS =
      List.of(
          new String[] {"net.ipv4.ip_forward", "1"},
          new String[] {"net.bridge.bridge-nf-call-iptables", "1"},
          new String[] {"net.bridge.bridge-nf-call-ip6tables", "1"},
          new String[] {"net.ipv4.conf.all.rp_filter", "0"},
          new String[] {"net.ipv4.conf.default.rp_filter", "0"});
  static final String MODULES_FILE = "/etc/modules-load.d/kldload-k8s.conf";
  static final String SYSCTL_FILE = "/etc/sysctl.d/99-kldload-k8s.conf";
  static final String CONTAINERD_CONFIG = "/etc/containerd/config.toml";
  static final String CRICTL_CONFIG = "/etc/crictl.yaml";
  static final String KUBELET_DEFAULTS = "/etc/default/kubelet";
  static final String SWAP_MASK = "/etc/systemd/system/swap.target";
  static final String FSTAB_MARK = "#kldload-swapoff# ";
  static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

  /**
   * What to set up. {@code zfsParent}: where the datasets go when / is not on ZFS. {@code image}:
   * set up an image instead of this running machine, and copy the bundle's node files to this
   * directory in it (the node's {@code kube.bundle}).
   */
  public record Request(
      Path lock,
      Path bundle,
      Optional<InetAddress> nodeIp,
      Optional<DatasetName> zfsParent,
      String pauseImage,
      Optional<Path> image) {
    /** This running machine. */
    public Request(
        Path lock,
        Path bundle,
        Optional<InetAddress> nodeIp,
        Optional<DatasetName> zfsParent,
        String pauseImage) {
      this(lock, bundle, nodeIp, zfsParent, pauseImage, Optional.empty());
    }
  }

  /** One dataset kube-setup owns: where it mounts and its record size (null: ZFS default). */
  record DatasetSpec(String leaf, String mountpoint, Long recordsize) {}

  static final List<DatasetSpec> DATASETS =
      List.of(
          new DatasetSpec("etcd", "/var/lib/etcd", 8192L),
          new DatasetSpec("containerd", "/var/lib/containerd", null),
          new DatasetSpec("kubelet", "/var/lib/kubelet", null));

  private final NodeSystem sys;
  private final Supplier<Zfs> zfs;
  private final Instant now;

  /**
   * @param zfs the ZFS port, asked for only when the plan has datasets (a node without ZFS never
   *     loads it)
   * @param now when the ownership marks say the datasets were created
   */
  public KubeSetup(NodeSystem sys, Supplier<Zfs> zfs, Instant now) {
    this.sys = sys;
    this.zfs = zfs;
    this.now = now;
  }

  public Plan plan(Request request) {
    boolean image = request.image().isPresent();
    Plan.Builder plan = Plan.builder("kube-setup");
    plan.add(sys.fileStep("modules-file", MODULES_FILE, modulesFile(), 0644));
    // an image's kernel is not this one: its files take effect at the node's boot
    String modulesStep = image ? "modules-file" : "modules-load";
    String sysctlStep = image ? "sysctl-file" : "sysctl-apply";
    if (!image) {
      plan.add(
          Step.named("modules-load")
              .description("load kernel modules " + String.join(", ", MODULES))
              .after("modules-file")
              .doneWhen(ctx -> missingModules().isEmpty())
              .apply(
                  ctx -> {
                    for (String module : missingModules()) {
                      sys.runner().check(ProcessSpec.of("modprobe", module).build());
                    }
                  }));
    }
    plan.add(sys.fileStep("sysctl-file", SYSCTL_FILE, sysctlFile(), 0644));
    if (!image) {
      plan.add(
          Step.named("sysctl-apply")
              .description("apply " + SYSCTL_FILE)
              .after("sysctl-file", "modules-load")
              .doneWhen(ctx -> sysctlsApplied())
              .apply(
                  ctx ->
                      sys.runner()
                          .check(
                              ProcessSpec.of("sysctl", "-q", "-p", sys.path(SYSCTL_FILE).toString())
                                  .build())));
    }
    plan.add(
        Step.named("swap-off")
            .description(
                "turn swap off now and for good (fstab entries commented, swap.target masked)")
            .doneWhen(
                ctx ->
                    (image || activeSwaps().isEmpty())
                        && fstabSwapLines().isEmpty()
                        && swapMasked())
            .apply(ctx -> swapOff(image)));

    List<String> before = new ArrayList<>(List.of(modulesStep));
    Optional<DatasetName> parent = datasetParent(request);
    if (parent.isPresent()) {
      // the shared parents get their own step: the three dataset steps run in parallel and
      // would otherwise race to create them (found in the lab VM)
      List<DatasetName> parents =
          List.of(parent.get().child("var"), parent.get().child("var").child("lib"));
      plan.add(
          Step.named("dataset-parents")
              .description(
                  "ZFS datasets "
                      + parents.get(0)
                      + " and "
                      + parents.get(1)
                      + " (canmount=off: they only hold the hierarchy)")
              .doneWhen(ctx -> parents.stream().allMatch(p -> zfs.get().exists(p)))
              .apply(
                  ctx -> {
                    for (DatasetName p : parents) {
                      if (!zfs.get().exists(p)) {
                        Map<String, String> props = new LinkedHashMap<>(marks());
                        props.put("canmount", "off");
                        zfs.get().createFilesystem(p, props);
                      }
                    }
                  }));
      for (DatasetSpec spec : DATASETS) {
        DatasetName ds = parent.get().child("var").child("lib").child(spec.leaf());
        String id = "dataset-" + spec.leaf();
        plan.add(
            Step.named(id)
                .description(
                    "ZFS dataset "
                        + ds
                        + " at "
                        + spec.mountpoint()
                        + " (lz4, atime off"
                        + (spec.recordsize() != null
                            ? ", recordsize " + spec.recordsize() / 1024 + "K"
                            : "")
                        + ")")
                .after("dataset-parents")
                .creates(ds.value())
                .doneWhen(ctx -> datasetReady(ds, spec))
                .apply(ctx -> ensureDataset(ds, spec)));
        before.add(id);
      }
    }
    plan.add(
        sys.fileStep(
            "containerd-config",
            CONTAINERD_CONFIG,
            containerdConfig(request.pauseImage()),
            0644,
            before.toArray(String[]::new)));
    plan.add(sys.fileStep("crictl-config", CRICTL_CONFIG, crictlConfig(), 0644));
    plan.add(
        Step.named("cni-dirs")
            .description("create /opt/cni/bin and /etc/cni/net.d")
            .doneWhen(ctx -> sys.exists("/opt/cni/bin") && sys.exists("/etc/cni/net.d"))
            .apply(
                ctx -> {
                  Files.createDirectories(sys.path("/opt/cni/bin"));
                  Files.createDirectories(sys.path("/etc/cni/net.d"));
                }));
    request
        .nodeIp()
        .ifPresent(
            ip ->
                plan.add(
                    sys.fileStep(
                        "kubelet-node-ip",
                        KUBELET_DEFAULTS,
                        "KUBELET_EXTRA_ARGS=--node-ip=" + ip.getHostAddress() + "\n",
                        0644)));
    List<String> all =
        new ArrayList<>(
            List.of("containerd-config", "crictl-config", "cni-dirs", sysctlStep, "swap-off"));
    all.addAll(before);
    plan.add(
        Step.named("packages")
            .description(
                "install the pinned Kubernetes packages from the offline bundle (SHA-256 verified)")
            .after(all)
            .doneWhen(
                ctx -> missingPackages(StackLockFile.requireVerified(request.lock())).isEmpty())
            .apply(
                ctx ->
                    installPackages(
                        StackLockFile.requireVerified(request.lock()), request.bundle(), image)));
    plan.add(
        Step.named("tools")
            .description("install the pinned CLI tools (helm, cilium…) from the offline bundle")
            .after("packages")
            .doneWhen(ctx -> missingTools(StackLockFile.requireVerified(request.lock())).isEmpty())
            .apply(
                ctx ->
                    installTools(StackLockFile.requireVerified(request.lock()), request.bundle())));
    request.image().ifPresent(target -> plan.add(nodeBundleStep(request, target)));
    return plan.build();
  }

  /**
   * What the node reads from its bundle after kube-setup: the lock, charts, manifests and image
   * archives (not the packages and tools, installed already), each verified on the way.
   */
  private Step nodeBundleStep(Request request, Path target) {
    return Step.named("node-bundle")
        .description(
            "copy the stack lock, charts, manifests and k8s-images/ to "
                + target
                + " (SHA-256 verified)")
        .after("tools")
        .creates(target.toString())
        .doneWhen(ctx -> missingNodeFiles(request, target).isEmpty())
        .apply(
            ctx -> {
              for (NodeFile f : missingNodeFiles(request, target)) {
                Path to = sys.path(target.resolve(f.file()).toString());
                Files.createDirectories(to.getParent());
                Path tmp = to.resolveSibling("." + to.getFileName() + ".tmp");
                Files.copy(f.verified(request.bundle()), tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING);
              }
            });
  }

  /** One file of the node's bundle: where it comes from, and its checksum (none for the lock). */
  private record NodeFile(String file, Path source, Optional<StackLock.Artifact> pinned) {
    Path verified(Path bundle) throws IOException {
      return pinned.isPresent()
          ? KubeSetup.verified(bundle, pinned.get(), List.of(pinned.get()))
          : source;
    }
  }

  /** The node files not yet in {@code target} as the bundle has them. */
  private List<NodeFile> missingNodeFiles(Request request, Path target) throws IOException {
    StackLock lock = StackLockFile.requireVerified(request.lock());
    List<NodeFile> files = new ArrayList<>();
    files.add(
        new NodeFile(request.lock().getFileName().toString(), request.lock(), Optional.empty()));
    List<StackLock.Artifact> pinned = new ArrayList<>(lock.charts());
    pinned.addAll(lock.manifests());
    lock.images()
        .forEach(
            i -> pinned.add(new StackLock.Artifact(i.ref(), "", i.file(), i.sha256(), null, null)));
    pinned.forEach(
        a -> files.add(new NodeFile(a.file(), request.bundle().resolve(a.file()), Optional.of(a))));
    List<NodeFile> missing = new ArrayList<>();
    for (NodeFile f : files) {
      Path there = sys.path(target.resolve(f.file()).toString());
      if (!Files.isRegularFile(there)
          || !Files.isRegularFile(f.source())
          || Files.size(there) != Files.size(f.source())) {
        missing.add(f);
      }
    }
    return missing;
  }

  /** The lock scopes a real run holds: the node, and ZFS when the plan has datasets. */
  public List<String> locks(Request request) {
    return datasetParent(request).isPresent()
        ? List.of(NodeLocks.NODE, NodeLocks.ZFS)
        : List.of(NodeLocks.NODE);
  }

  /**
   * Checks, changing nothing, what a real run would stop on: the stack lock must load, and every
   * pinned package and tool the node lacks must be in the offline bundle. A dry-run calls this so
   * that it fails as the real run would (exit 6) instead of promising success. Checksums are left
   * to the real run: hashing the whole bundle is not a dry-run's business.
   */
  public void checkPreconditions(Request request) {
    StackLock lock = StackLockFile.requireVerified(request.lock());
    List<StackLock.Artifact> needed = new ArrayList<>(missingPackages(lock));
    needed.addAll(missingTools(lock));
    for (StackLock.Artifact a : needed) {
      located(request.bundle(), a, needed);
    }
  }

  // ---- files -------------------------------------------------------------------------------

  static String modulesFile() {
    return "# written by kldload kube-setup: modules Kubernetes and Cilium need at boot\n"
        + String.join("\n", MODULES)
        + "\n";
  }

  static String sysctlFile() {
    StringBuilder sb = new StringBuilder("# written by kldload kube-setup\n");
    for (String[] s : SYSCTLS) {
      sb.append(s[0]).append(" = ").append(s[1]).append('\n');
    }
    return sb.toString();
  }

  /** containerd (config version 2): systemd cgroups, CNI binaries in /opt/cni/bin. */
  static String containerdConfig(String pauseImage) {
    return String.join(
        "\n",
        "# written by kldload kube-setup",
        "version = 2",
        "",
        "[plugins.\"io.containerd.grpc.v1.cri\"]",
        "  sandbox_image = \"" + pauseImage + "\"",
        "",
        "[plugins.\"io.containerd.grpc.v1.cri\".containerd]",
        "  default_runtime_name = \"runc\"",
        "",
        "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]",
        "  runtime_type = \"io.containerd.runc.v2\"",
        "",
        "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]",
        "  SystemdCgroup = true",
        "",
        "[plugins.\"io.containerd.grpc.v1.cri\".cni]",
        "  bin_dir = \"/opt/cni/bin\"",
        "  conf_dir = \"/etc/cni/net.d\"",
        "");
  }

  static String crictlConfig() {
    return String.join(
        "\n",
        "runtime-endpoint: unix:///run/containerd/containerd.sock",
        "image-endpoint: unix:///run/containerd/containerd.sock",
        "timeout: 10",
        "debug: false",
        "");
  }

  // ---- modules and sysctls -------------------------------------------------------------------

  private List<String> missingModules() throws IOException {
    Path builtin =
        sys.path("/lib/modules/" + System.getProperty("os.version") + "/modules.builtin");
    List<String> builtins = Files.isRegularFile(builtin) ? Files.readAllLines(builtin) : List.of();
    List<String> missing = new ArrayList<>();
    for (String m : MODULES) {
      boolean isBuiltin = builtins.stream().anyMatch(l -> l.endsWith("/" + m + ".ko"));
      if (!sys.exists("/sys/module/" + m) && !isBuiltin) {
        missing.add(m);
      }
    }
    return missing;
  }

  private boolean sysctlsApplied() {
    for (String[] s : SYSCTLS) {
      String file = "/proc/sys/" + s[0].replace('.', '/');
      if (!sys.read(file).map(String::strip).orElse("").equals(s[1])) {
        return false;
      }
    }
    return true;
  }

  // ---- swap ------------------------------------------------------------------------------------

  private List<String> activeSwaps() {
    return sys.read("/proc/swaps").stream()
        .flatMap(t -> t.lines().skip(1))
        .filter(l -> !l.isBlank())
        .toList();
  }

  private List<String> fstabSwapLines() {
    return sys.read("/etc/fstab").stream()
        .flatMap(String::lines)
        .filter(KubeSetup::isSwapEntry)
        .toList();
  }

  static boolean isSwapEntry(String line) {
    String t = line.strip();
    if (t.isEmpty() || t.startsWith("#")) {
      return false;
    }
    String[] f = t.split("\\s+");
    return f.length >= 3 && f[2].equals("swap");
  }

  private boolean swapMasked() {
    Path mask = sys.path(SWAP_MASK);
    try {
      return Files.isSymbolicLink(mask)
          && Files.readSymbolicLink(mask).toString().equals("/dev/null");
    } catch (IOException e) {
      return false;
    }
  }

  private void swapOff(boolean image) throws IOException {
    // an image's /proc/swaps is the build host's
    if (!image && !activeSwaps().isEmpty()) {
      sys.runner().check(ProcessSpec.of("swapoff", "-a").build());
    }
    Optional<String> fstab = sys.read("/etc/fstab");
    if (fstab.isPresent() && !fstabSwapLines().isEmpty()) {
      StringBuilder sb = new StringBuilder();
      fstab.get().lines().forEach(l -> sb.append(isSwapEntry(l) ? FSTAB_MARK + l : l).append('\n'));
      sys.write("/etc/fstab", sb.toString(), 0644);
    }
    // masking swap.target keeps every swap unit (zram included) from starting at boot
    if (!swapMasked()) {
      Path mask = sys.path(SWAP_MASK);
      Files.createDirectories(mask.getParent());
      Files.deleteIfExists(mask);
      Files.createSymbolicLink(mask, Path.of("/dev/null"));
    }
  }

  // ---- ZFS ---------------------------------------------------------------------------------

  /** The explicit parent, else the pool of the root file system when / is on ZFS. */
  Optional<DatasetName> datasetParent(Request request) {
    if (request.image().isPresent()) {
      return Optional.empty();
    }
    if (request.zfsParent().isPresent()) {
      return request.zfsParent();
    }
    return sys.rootDataset().map(ds -> DatasetName.of(ds.pool()));
  }

  /** Our marks on every dataset kube-setup creates; only datasets carrying them are changed. */
  private Map<String, String> marks() {
    return Ownership.of(OWNER, "kube-node", now).toProperties();
  }

  private boolean datasetReady(DatasetName ds, DatasetSpec spec) {
    return zfs.get()
        .dataset(ds)
        .map(d -> d.mounted() && wrongProps(d, spec).isEmpty())
        .orElse(false);
  }

  /** The properties of {@code d} that differ from the spec, with the values they should have. */
  private Map<String, String> wrongProps(Dataset d, DatasetSpec spec) {
    Map<String, String> wanted = new LinkedHashMap<>();
    wanted.put("mountpoint", spec.mountpoint());
    wanted.put("compression", "lz4");
    wanted.put("atime", "off");
    if (spec.recordsize() != null) {
      wanted.put("recordsize", spec.recordsize().toString());
    }
    Map<String, String> wrong = new LinkedHashMap<>();
    wanted.forEach(
        (property, value) -> {
          Optional<String> actual =
              property.equals("mountpoint")
                  ? d.mountpoint().map(Path::toString)
                  : zfs.get().property(d.name(), property);
          if (!actual.equals(Optional.of(value))) {
            wrong.put(property, value);
          }
        });
    return wrong;
  }

  private void ensureDataset(DatasetName ds, DatasetSpec spec) throws IOException {
    Optional<Dataset> existing = zfs.get().dataset(ds);
    if (existing.isPresent()) {
      if (!existing.get().ownership().map(o -> o.owner().equals(OWNER)).orElse(false)) {
        throw KldloadException.conflict(
            "dataset " + ds + " exists and was not created by kube-setup",
            "kldload leaves datasets it does not own alone; rename or destroy it yourself, or give --zfs-parent");
      }
      Map<String, String> wrong = wrongProps(existing.get(), spec);
      if (!wrong.isEmpty()) {
        zfs.get().setProperties(ds, wrong);
      }
      if (!zfs.get().dataset(ds).map(Dataset::mounted).orElse(false)) {
        zfs.get().mount(ds);
      }
      return;
    }
    Path dir = sys.path(spec.mountpoint());
    if (Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw KldloadException.precondition(
              spec.mountpoint() + " already holds data; mounting " + ds + " there would hide it",
              "move the data away (or run kube-reset) before kube-setup");
        }
      }
    }
    Map<String, String> props = new LinkedHashMap<>();
    props.put("mountpoint", spec.mountpoint());
    props.put("compression", "lz4");
    props.put("atime", "off");
    if (spec.recordsize() != null) {
      props.put("recordsize", spec.recordsize().toString());
    }
    props.putAll(marks());
    zfs.get().createFilesystem(ds, props);
    // creating through the port does not mount (libzfs_core leaves that to the caller)
    zfs.get().mount(ds);
  }

  // ---- packages and tools ------------------------------------------------------------------

  List<StackLock.Artifact> missingPackages(StackLock lock) {
    List<StackLock.Artifact> missing = new ArrayList<>();
    for (StackLock.Artifact a : lock.packages()) {
      ProcessResult r =
          sys.runner()
              .run(
                  ProcessSpec.of("dpkg-query", "-W", "-f", "${Version}", a.name())
                      .readOnly()
                      .build());
      if (!r.ok() || !r.stdout().strip().equals(a.version())) {
        missing.add(a);
      }
    }
    return missing;
  }

  private void installPackages(StackLock lock, Path bundle, boolean image) throws IOException {
    List<StackLock.Artifact> missing = missingPackages(lock);
    List<Path> files = new ArrayList<>();
    for (StackLock.Artifact a : missing) {
      files.add(verified(bundle, a, missing));
    }
    List<String> argv = new ArrayList<>(List.of("dpkg", "--force-confold", "-i"));
    files.forEach(f -> argv.add(f.toString()));
    sys.runner().check(ProcessSpec.of(argv).timeout(INSTALL_TIMEOUT).build());
    List<String> hold = new ArrayList<>(List.of("apt-mark", "hold"));
    missing.stream()
        .map(StackLock.Artifact::name)
        .filter(n -> List.of("kubelet", "kubeadm", "kubectl").contains(n))
        .forEach(hold::add);
    if (hold.size() > 2) {
      sys.runner().check(ProcessSpec.of(hold).build());
    }
    if (Programs.which("systemctl").isPresent() && sys.isRealRoot()) {
      if (image) {
        // an image's units start at the node's boot
        sys.runner().check(ProcessSpec.of("systemctl", "enable", "kubelet", "containerd").build());
      } else {
        sys.runner().check(ProcessSpec.of("systemctl", "enable", "kubelet").build());
        sys.runner().check(ProcessSpec.of("systemctl", "restart", "containerd").build());
      }
    }
  }

  static String toolMarker(StackLock.Artifact a) {
    return "/var/lib/kldload/tools/" + a.name();
  }

  private List<StackLock.Artifact> missingTools(StackLock lock) {
    return lock.tools().stream()
        .filter(
            a ->
                !sys.exists("/usr/local/bin/" + a.name())
                    || !sys.read(toolMarker(a))
                        .orElse("")
                        .equals(a.version() + " " + a.sha256() + "\n"))
        .toList();
  }

  private void installTools(StackLock lock, Path bundle) throws IOException {
    List<StackLock.Artifact> missing = missingTools(lock);
    for (StackLock.Artifact a : missing) {
      Path archive = verified(bundle, a, missing);
      Path tmp = Files.createTempDirectory("kldload-tool-");
      try {
        sys.runner()
            .check(
                ProcessSpec.of("tar", "-xzf", archive.toString(), "-C", tmp.toString(), a.binary())
                    .build());
        Path target = sys.path("/usr/local/bin/" + a.name());
        Files.createDirectories(target.getParent());
        Files.copy(tmp.resolve(a.binary()), target, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(target, NodeSystem.fromMode(0755));
        sys.write(toolMarker(a), a.version() + " " + a.sha256() + "\n", 0644);
      } finally {
        try (Stream<Path> walk = Files.walk(tmp)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** The artefact's file in the bundle, after checking that it exists and its SHA-256 matches. */
  static Path verified(Path bundle, StackLock.Artifact a, List<StackLock.Artifact> needed)
      throws IOException {
    Path file = located(bundle, a, needed);
    String actual = sha256(file);
    if (!actual.equals(a.sha256())) {
      throw new KldloadException(
          ErrorKind.FAILED,
          file + ": SHA-256 " + actual + " does not match the stack lock's " + a.sha256(),
          "the bundle is corrupt or was tampered with; copy it again");
    }
    return file;
  }

  /** The artefact's file in the bundle; PRECONDITION when the bundle or the file is missing. */
  private static Path located(Path bundle, StackLock.Artifact a, List<StackLock.Artifact> needed) {
    if (!Files.isDirectory(bundle)) {
      throw KldloadException.precondition(
          "no package source: the offline bundle "
              + bundle
              + " does not exist; kube-setup needs "
              + describe(needed),
          "copy the offline bundle (darksite) to "
              + bundle
              + " or give --bundle DIR; kube-setup never downloads");
    }
    Path file = bundle.resolve(a.file()).normalize();
    if (!file.startsWith(bundle.normalize()) || !Files.isRegularFile(file)) {
      throw KldloadException.precondition(
          "no package source for " + a.name() + " " + a.version() + ": " + file + " is missing",
          "complete the offline bundle at " + bundle);
    }
    return file;
  }

  static String describe(List<StackLock.Artifact> artifacts) {
    return String.join(", ", artifacts.stream().map(a -> a.name() + " " + a.version()).toList());
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
