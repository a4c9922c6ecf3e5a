package dev.kldload.kube.golden;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kube.node.StackLockFile;
import dev.kldload.kube.orchestrator.ClusterBootstrap;
import dev.kldload.kube.orchestrator.GoldenStack;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.SnapshotInfo;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.disk.DiskSnapshots;
import dev.kldload.kvm.xml.DirectBoot;
import dev.kldload.kvm.xml.DomainDefinition;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.OsVariant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code kube-cluster golden}: the plan that makes the golden domain nodes are cloned from (see
 * {@link ClusterBootstrap}): one virtio disk holding a sealed Debian root file system with its
 * snapshot {@value GoldenRequest#SNAPSHOT}, one virtio NIC, BIOS, direct kernel boot from {@code
 * <images>/<golden>-vmlinuz} and {@code -initrd.img} with {@code root=/dev/vda console=ttyS0}, our
 * marks (owner {@value ClusterBootstrap#OWNER}, role {@value #ROLE}). It is never started.
 *
 * <p>The root file system is built from packages in a chroot ({@code golden/debootstrap}, {@code
 * golden/packages}, {@code golden/configure}, {@code golden/rootfs}), already sealed, and cached
 * under {@code <cache>/rootfs-<recipe hash>/} (raw ext4 image, kernel, initrd): a second golden or
 * a rebuild copies it without building again. Each build stage leaves a marker in the work
 * directory when it finished, so an interrupted build resumes at the stage it was in. Then {@code
 * golden/kernel}, {@code golden/disk} (the disk backend's copy: a qcow2 file or a sparse zvol),
 * {@code golden/define} and {@code golden/snapshot}.
 *
 * <p>With {@link GoldenRequest#image()} nothing is built: the image is copied to the disk and boots
 * with its own boot loader, or with the kernel the request gives. Such an image must be a
 * cloud-init guest that reads NoCloud seeds; it is used as it is (not sealed here).
 *
 * <p>With {@link GoldenRequest#bundle()} the golden gets Kubernetes once, offline, in the chroot
 * ({@code golden/kubernetes}, between the packages and the seal): the suite's runtime is copied to
 * {@code /opt/kldload} (its tools linked from {@code /usr/local/bin}), the bundle is bind-mounted
 * read-only, and the suite's own {@code kube-setup --image} runs in the chroot inside a network
 * namespace that has only a loopback, so nothing can be fetched. The recipe's hash includes the
 * stack lock's SHA-256; once the golden is there, {@code golden/stack} records which lock it
 * carries ({@link GoldenStack}). A golden that is there without that stack is refused (exit 6)
 * unless it is being rebuilt.
 *
 * <p>A golden that is there (domain and snapshot) is reused. {@link GoldenRequest#rebuild()}
 * replaces it, which is refused (CONFLICT) while clones depend on its disk; nothing here ever
 * destroys a golden a clone uses.
 */
public final class GoldenBuilder {
  public static final String ROLE = "golden";
  static final String KERNEL_CMDLINE = "root=/dev/vda console=ttyS0";

  private static final Duration DEBOOTSTRAP_TIMEOUT = Duration.ofMinutes(15);
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration MKFS_TIMEOUT = Duration.ofMinutes(10);
  private static final String CHROOT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** Room left in the root file system image beyond what the files take. */
  private static final long HEADROOM = 512L << 20;

  private final Hypervisor hypervisor;
  private final DiskBackend disks;
  private final ProcessRunner runner;
  private final AptSources aptSources;
  private final Path cacheDir;
  private final Path imagesDir;
  private final GoldenRecipe recipe;
  private final ChrootMounts mounts;
  private final Path mountinfo;
  private final GoldenStack stacks;
  private final Optional<Path> suite;

  /** Where the bundle is bind-mounted in the chroot while kube-setup runs there. */
  static final String BUNDLE_MOUNT = "/run/kldload-bundle";

  /** Where the suite's runtime goes in the golden (where the .deb puts it). */
  static final String SUITE_DIR = "/opt/kldload";

  /**
   * @param cacheDir where built root file systems are kept and built ({@code
   *     ~/.cache/kldload/golden} or {@code /var/cache/kldload/golden})
   * @param imagesDir where the golden's kernel and initrd go (the qcow2 images directory)
   * @param stacks where the stack a golden carries is recorded
   * @param suite the running suite's runtime directory ({@code bin/}, {@code lib/}, {@code jre/}),
   *     whose node tools a golden with Kubernetes gets; empty when the suite does not run from one
   */
  public GoldenBuilder(
      Hypervisor hypervisor,
      DiskBackend disks,
      ProcessRunner runner,
      AptSources aptSources,
      Path cacheDir,
      Path imagesDir,
      GoldenStack stacks,
      Optional<Path> suite) {
    this(
        hypervisor,
        disks,
        runner,
        aptSources,
        cacheDir,
        imagesDir,
        GoldenRecipe.standard(),
        Path.of("/proc/self/mountinfo"),
        stacks,
        suite);
  }

  GoldenBuilder(
      Hypervisor hypervisor,
      DiskBackend disks,
      ProcessRunner runner,
      AptSources aptSources,
      Path cacheDir,
      Path imagesDir,
      GoldenRecipe recipe,
      Path mountinfo,
      GoldenStack stacks,
      Optional<Path> suite) {
    this.hypervisor = hypervisor;
    this.disks = disks;
    this.runner = runner;
    this.aptSources = aptSources;
    this.cacheDir = cacheDir.toAbsolutePath().normalize();
    this.imagesDir = imagesDir.toAbsolutePath().normalize();
    this.recipe = recipe;
    this.mounts = new ChrootMounts(runner, mountinfo);
    this.mountinfo = mountinfo;
    this.stacks = stacks;
    this.suite = suite;
  }

  /** What {@code golden/kubernetes} provisions from. */
  private record Provision(Path bundle, Path lock, String lockSha256) {}

  /** What {@link ClusterBootstrap#plan} clones nodes from, once this plan ran. */
  public static ClusterBootstrap.Golden golden(GoldenRequest request) {
    return new ClusterBootstrap.Golden(request.name(), GoldenRequest.SNAPSHOT);
  }

  public Path kernel(VmName golden) {
    return imagesDir.resolve(golden.value() + "-vmlinuz");
  }

  public Path initrd(VmName golden) {
    return imagesDir.resolve(golden.value() + "-initrd.img");
  }

  /**
   * The cached build of the current recipe: {@code rootfs.raw}, {@code vmlinuz}, {@code
   * initrd.img}.
   */
  public Path rootfsCache() {
    return cacheDir.resolve("rootfs-" + recipe.hash());
  }

  private Path workDir() {
    return cacheDir.resolve("work-" + recipe.hash());
  }

  private Path chroot() {
    return workDir().resolve("root");
  }

  /** Whether the cached root file system of the current recipe is complete. */
  public boolean cached() {
    return Files.exists(rootfsCache().resolve(".complete"));
  }

  /** Whether the golden is there: defined, with its disk snapshot. */
  public boolean ready(VmName golden) {
    return hypervisor.domain(golden.value()).isPresent()
        && disks.findSnapshot(golden, GoldenRequest.SNAPSHOT).isPresent();
  }

  /** The domain XML the golden is defined with. */
  public String domainXml(GoldenRequest request) {
    VmName vm = request.name();
    Optional<DirectBoot> boot =
        request.image().isPresent()
            ? request.imageBoot()
            : Optional.of(new DirectBoot(kernel(vm), Optional.of(initrd(vm)), KERNEL_CMDLINE));
    DomainSpec spec =
        new DomainSpec(
            vm,
            request.virtType(),
            ByteSize.ofMegabytes(1024),
            1,
            new DomainSpec.Bios(),
            List.of(disks.diskOf(vm)),
            Optional.empty(),
            Optional.empty(),
            List.of(new DomainSpec.Nic(DomainSpec.NicKind.NETWORK, request.network())),
            "127.0.0.1",
            new DomainMetadata(ClusterBootstrap.OWNER, ROLE, Optional.empty(), Optional.empty()),
            boot,
            request.image().isPresent() ? OsVariant.GENERIC : OsVariant.DEBIAN12);
    return DomainXmlWriter.write(spec);
  }

  /**
   * The plan for {@code request}. Changes nothing; a domain of that name that is not our golden, an
   * unreadable image, and a rebuild while clones depend on the golden are refused here.
   */
  public Plan plan(GoldenRequest request) {
    if (request.bundle().isEmpty()) {
      return plan(request, Optional.empty());
    }
    Path bundle = request.bundle().get();
    if (request.image().isPresent()) {
      throw KldloadException.invalid(
          "golden " + request.name() + ": an image given as is gets no Kubernetes from us",
          "build the golden from packages (no --image), or give --until mesh");
    }
    Path lock =
        GoldenStack.lock(bundle)
            .orElseThrow(
                () ->
                    KldloadException.precondition(
                        "golden "
                            + request.name()
                            + ": the offline bundle "
                            + bundle
                            + " has no stack lock",
                        "build the bundle ('kube-bundle build') or set kube.bundle"));
    String sha = GoldenStack.sha256(lock);
    boolean containerdPinned =
        StackLockFile.requireVerified(lock).packages().stream()
            .anyMatch(a -> a.name().startsWith("containerd"));
    GoldenBuilder provisioning =
        new GoldenBuilder(
            hypervisor,
            disks,
            runner,
            aptSources,
            cacheDir,
            imagesDir,
            recipe.kubernetes(sha, containerdPinned),
            mountinfo,
            stacks,
            suite);
    // a cached root file system carries the stack already; a build needs the suite's tools
    if (suite.isEmpty() && (request.rebuild() || !provisioning.built(request.name()))) {
      throw KldloadException.precondition(
          "golden "
              + request.name()
              + ": the suite does not run from its runtime directory, whose node tools"
              + " (kube-setup, kube-init, kube-join) the golden gets",
          "run the suite as installed (/opt/kldload) or from its build"
              + " (packaging/target/kldload/bin/kldload)");
    }
    return provisioning.plan(request, Optional.of(new Provision(bundle, lock, sha)));
  }

  private Plan plan(GoldenRequest request, Optional<Provision> provision) {
    VmName vm = request.name();
    Optional<VmDomain> existing = hypervisor.domain(vm.value());
    if (existing.isPresent() && !isOurGolden(existing.get())) {
      throw KldloadException.conflict(
          "a domain named "
              + vm
              + " exists on "
              + hypervisor.uri()
              + " and is not a kldload golden",
          "choose another golden name, or remove it with 'kvm-delete " + vm + "'");
    }
    existing
        .filter(d -> d.state().active())
        .ifPresent(
            d -> {
              throw KldloadException.conflict(
                  "golden " + vm + " is running; a golden stays shut off",
                  "shut it down ('virsh shutdown " + vm + "') and run again");
            });
    if (provision.isPresent() && existing.isPresent() && !request.rebuild()) {
      String sha = provision.get().lockSha256();
      Optional<GoldenStack.Carried> carried = stacks.carried(vm.value());
      if (!carries(existing.get(), sha)) {
        throw KldloadException.precondition(
            "golden "
                + vm
                + (carried.isPresent() && carried.get().domainUuid().equals(existing.get().uuid())
                    ? " carries another stack than the bundle's"
                    : " carries no Kubernetes")
                + "; it is never used for the Kubernetes phases",
            "rebuild it with the bundle: 'kube-cluster golden --rebuild' (refused while clones"
                + " depend on it)");
      }
    }
    request
        .image()
        .ifPresent(
            image -> {
              if (!Files.isReadable(image)) {
                throw KldloadException.notFound(
                    "golden " + vm + ": image " + image + " is not readable",
                    "give the path of a raw or qcow2 disk image");
              }
            });
    Plan.Builder plan = Plan.builder("kube-cluster-golden-" + vm);
    List<String> first = new ArrayList<>();
    if (request.rebuild() && (existing.isPresent() || disks.exists(vm))) {
      List<String> dependents = disks.dependents(vm);
      if (!dependents.isEmpty()) {
        throw KldloadException.conflict(
            "golden "
                + vm
                + " is the origin of "
                + String.join(", ", dependents)
                + "; rebuilding would destroy what they depend on",
            disks.detachAdvice(dependents.get(0)));
      }
      plan.add(removeOld(vm, snapshotCreated(vm)));
      first.add("golden/remove-old");
    }
    String diskAfter;
    if (request.image().isPresent()) {
      diskAfter = null;
    } else {
      String mirror = request.mirror().orElseGet(aptSources::archive);
      addBuild(plan, vm, mirror, first, provision);
      diskAfter = "golden/rootfs";
    }
    Path source = request.image().orElse(rootfsCache().resolve("rootfs.raw"));
    Path disk = disks.diskOf(vm).path();
    var diskStep =
        Step.named("golden/disk")
            .description("copy " + source + " to " + disk + " (" + request.disk() + ")")
            .after(first)
            .creates(disk.toString())
            .doneWhen(c -> disks.exists(vm) && !disks.partial(vm))
            .undo(c -> disks.destroy(vm));
    if (diskAfter != null) {
      diskStep.after(diskAfter);
    }
    plan.add(
        diskStep.apply(
            c -> disks.createFromImage(vm, source, request.disk(), ClusterBootstrap.OWNER, ROLE)));
    List<String> defineAfter = new ArrayList<>(first);
    if (request.image().isEmpty()) {
      plan.add(kernelStep(vm));
      defineAfter.add("golden/kernel");
    }
    String xml = domainXml(request);
    plan.add(
        Step.named("golden/define")
            .description("define domain " + vm + " (never started)")
            .after(defineAfter)
            .creates("domain " + vm)
            .doneWhen(c -> hypervisor.domain(vm.value()).isPresent())
            .undo(
                c -> {
                  if (hypervisor.domain(vm.value()).isPresent()) {
                    hypervisor.undefine(vm.value());
                  }
                })
            .apply(c -> hypervisor.define(xml)));
    plan.add(
        Step.named("golden/snapshot")
            .description("take the disk snapshot " + vm + "@" + GoldenRequest.SNAPSHOT)
            .after("golden/disk", "golden/define")
            .creates(vm + "@" + GoldenRequest.SNAPSHOT)
            .doneWhen(c -> disks.findSnapshot(vm, GoldenRequest.SNAPSHOT).isPresent())
            .undo(
                c -> {
                  if (disks instanceof DiskSnapshots s
                      && disks.findSnapshot(vm, GoldenRequest.SNAPSHOT).isPresent()) {
                    s.destroySnapshot(vm, GoldenRequest.SNAPSHOT);
                  }
                })
            .apply(c -> disks.snapshot(vm, GoldenRequest.SNAPSHOT)));
    provision.ifPresent(p -> plan.add(stackStep(vm, p.lockSha256())));
    return plan.build();
  }

  /** Whether the golden domain was recorded as carrying the stack of that lock. */
  private boolean carries(VmDomain domain, String lockSha256) {
    return stacks
        .carried(domain.name())
        .filter(c -> c.domainUuid().equals(domain.uuid()) && c.lockSha256().equals(lockSha256))
        .isPresent();
  }

  /** Records the stack the golden carries, on the domain's UUID (a rebuilt golden has another). */
  private Step stackStep(VmName vm, String lockSha256) {
    return Step.named("golden/stack")
        .description("record that golden " + vm + " carries the stack lock " + lockSha256)
        .after("golden/snapshot")
        .doneWhen(
            c -> hypervisor.domain(vm.value()).filter(d -> carries(d, lockSha256)).isPresent())
        .apply(
            c -> {
              VmDomain domain =
                  hypervisor
                      .domain(vm.value())
                      .orElseThrow(
                          () ->
                              KldloadException.notFound(
                                  "golden " + vm + " is gone", "run 'kube-cluster golden' again"));
              stacks.record(vm.value(), domain.uuid(), lockSha256);
            });
  }

  private static boolean isOurGolden(VmDomain domain) {
    return DomainDefinition.parse(domain.xml())
        .metadata()
        .filter(m -> m.owner().equals(ClusterBootstrap.OWNER) && m.role().equals(ROLE))
        .isPresent();
  }

  /** When the golden's snapshot was taken, if it has one (identifies the golden being replaced). */
  private Optional<Instant> snapshotCreated(VmName vm) {
    if (disks instanceof DiskSnapshots s) {
      return s.snapshots(vm).stream()
          .filter(i -> i.name().equals(GoldenRequest.SNAPSHOT))
          .map(SnapshotInfo::created)
          .findFirst();
    }
    return Optional.empty();
  }

  /**
   * Removes the golden being replaced: its domain and its disk. Done once the snapshot seen when
   * the plan was made is gone (a re-run after an interrupted removal finishes it; a golden made
   * since is not touched).
   */
  private Step removeOld(VmName vm, Optional<Instant> oldSnapshot) {
    return Step.named("golden/remove-old")
        .description("remove the golden " + vm + " being rebuilt (no clone depends on it)")
        .doneWhen(
            c ->
                oldSnapshot.isPresent()
                    ? !snapshotCreated(vm).equals(oldSnapshot)
                    : hypervisor.domain(vm.value()).isEmpty() && !disks.exists(vm))
        .apply(
            c -> {
              if (!disks.dependents(vm).isEmpty()) {
                throw KldloadException.conflict(
                    "golden " + vm + " gained clones while being rebuilt",
                    disks.detachAdvice(disks.dependents(vm).get(0)));
              }
              if (hypervisor.domain(vm.value()).isPresent()) {
                hypervisor.undefine(vm.value());
              }
              disks.destroy(vm);
            });
  }

  // ---------------------------------------------------------------- the root file system

  private boolean built(VmName vm) {
    return ready(vm) || cached();
  }

  private boolean stageDone(VmName vm, String stage) {
    return built(vm) || Files.exists(workDir().resolve("." + stage));
  }

  private void markStage(String stage) throws IOException {
    Files.writeString(workDir().resolve("." + stage), Instant.now().toString() + "\n");
  }

  private void addBuild(
      Plan.Builder plan,
      VmName vm,
      String mirror,
      List<String> after,
      Optional<Provision> provision) {
    Path root = chroot();
    plan.add(
        Step.named("golden/debootstrap")
            .description(
                "debootstrap " + recipe.suite() + " (minbase) from " + mirror + " into " + root)
            .after(after)
            .doneWhen(c -> stageDone(vm, "debootstrap"))
            .apply(
                c -> {
                  // what a killed run left is not a base system: start over
                  mounts.delete(workDir());
                  Files.createDirectories(workDir());
                  runner.check(
                      ProcessSpec.of(
                              "debootstrap",
                              "--variant=minbase",
                              recipe.suite(),
                              root.toString(),
                              mirror)
                          .timeout(DEBOOTSTRAP_TIMEOUT)
                          .build());
                  markStage("debootstrap");
                }));
    plan.add(
        Step.named("golden/packages")
            .description(
                "install "
                    + recipe.packages().size()
                    + " packages in the chroot (no recommends, services not started)")
            .after("golden/debootstrap")
            .doneWhen(c -> stageDone(vm, "packages"))
            .apply(c -> installPackages(root, mirror)));
    String configureAfter = "golden/packages";
    if (provision.isPresent()) {
      Provision p = provision.get();
      plan.add(
          Step.named("golden/kubernetes")
              .description(
                  "kube-setup --image in the chroot from "
                      + p.bundle()
                      + " (read-only, no network): the stack of "
                      + p.lock().getFileName()
                      + ", the suite's node tools"
                      + suite.map(home -> " from " + home).orElse(""))
              .after("golden/packages")
              .doneWhen(c -> stageDone(vm, "kubernetes"))
              .apply(c -> provision(root, p)));
      configureAfter = "golden/kubernetes";
    }
    plan.add(
        Step.named("golden/configure")
            .description("configure and seal the guest (NoCloud only, no host keys, no machine-id)")
            .after(configureAfter)
            .doneWhen(c -> stageDone(vm, "configure"))
            .apply(c -> configure(root)));
    plan.add(
        Step.named("golden/rootfs")
            .description("make the ext4 root file system image " + rootfsCache())
            .after("golden/configure")
            .creates(rootfsCache().toString())
            .doneWhen(c -> built(vm))
            .apply(c -> makeRootfs(root)));
  }

  private List<String> inChroot(Path root, List<String> command) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "chroot",
                root.toString(),
                "/usr/bin/env",
                "-i",
                "PATH=" + CHROOT_PATH,
                "HOME=/root",
                "LC_ALL=C.UTF-8",
                "DEBIAN_FRONTEND=noninteractive"));
    argv.addAll(command);
    return argv;
  }

  private void installPackages(Path root, String mirror) throws IOException {
    // services must not start in a chroot; removed again when the guest is sealed
    put(root, "usr/sbin/policy-rc.d", "#!/bin/sh\nexit 101\n");
    Files.setPosixFilePermissions(
        root.resolve("usr/sbin/policy-rc.d"), PosixFilePermissions.fromString("rwxr-xr-x"));
    put(
        root,
        "etc/apt/apt.conf.d/90kldload",
        "APT::Install-Recommends \"false\";\nAPT::Install-Suggests \"false\";\n");
    put(root, "etc/apt/sources.list", "deb " + mirror + " " + recipe.suite() + " main\n");
    mounts.mount(root);
    try {
      runner.check(
          ProcessSpec.of(inChroot(root, List.of("apt-get", "update", "-q")))
              .timeout(INSTALL_TIMEOUT)
              .build());
      List<String> install =
          new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
      install.addAll(recipe.packages());
      runner.check(ProcessSpec.of(inChroot(root, install)).timeout(INSTALL_TIMEOUT).build());
    } finally {
      mounts.unmountAll(root);
    }
    markStage("packages");
  }

  /**
   * The suite's runtime into {@value #SUITE_DIR} (its tools linked from {@code /usr/local/bin}),
   * then its {@code kube-setup --image} in the chroot, with the bundle bind-mounted read-only at
   * {@value #BUNDLE_MOUNT} and in a network namespace with only a loopback: the golden is
   * provisioned from the bundle alone, or not at all.
   */
  private void provision(Path root, Provision p) throws IOException {
    Path suiteDir = root.resolve(SUITE_DIR.substring(1));
    mounts.delete(suiteDir);
    copyTree(suite.orElseThrow(), suiteDir);
    Path localBin = root.resolve("usr/local/bin");
    Files.createDirectories(localBin);
    try (Stream<Path> tools = list(suiteDir.resolve("bin"))) {
      for (Path tool : tools.toList()) {
        Path link = localBin.resolve(tool.getFileName().toString());
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of(SUITE_DIR, "bin", tool.getFileName().toString()));
      }
    }
    Path mountPoint = root.resolve(BUNDLE_MOUNT.substring(1));
    Files.createDirectories(mountPoint);
    mounts.mount(root);
    try {
      runner.check(
          ProcessSpec.of(
                  "mount", "--bind", "-o", "ro", p.bundle().toString(), mountPoint.toString())
              .build());
      List<String> argv = new ArrayList<>(List.of("unshare", "--net"));
      argv.addAll(
          inChroot(
              root,
              List.of(
                  SUITE_DIR + "/bin/kube-setup",
                  "--image",
                  "--bundle",
                  BUNDLE_MOUNT,
                  "--lock",
                  BUNDLE_MOUNT + "/" + p.lock().getFileName())));
      runner.check(ProcessSpec.of(argv).timeout(INSTALL_TIMEOUT).build());
    } finally {
      mounts.unmountAll(root);
    }
    Files.delete(mountPoint);
    // the suite's host locks (run-dir) from that run: a node's /run starts empty
    mounts.delete(root.resolve("run/kldload"));
    markStage("kubernetes");
  }

  /** Copies a tree as it is: links stay links (the runtime's tool names link to its launcher). */
  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path target = to.resolve(from.relativize(file).toString());
            if (attrs.isSymbolicLink()) {
              Files.createSymbolicLink(target, Files.readSymbolicLink(file));
            } else {
              Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private void configure(Path root) throws IOException {
    for (Map.Entry<String, String> file : recipe.files().entrySet()) {
      put(root, file.getKey(), file.getValue());
    }
    mounts.mount(root);
    try {
      for (List<String> command : recipe.commands()) {
        runner.check(ProcessSpec.of(inChroot(root, command)).timeout(INSTALL_TIMEOUT).build());
      }
    } finally {
      mounts.unmountAll(root);
    }
    seal(root);
    markStage("configure");
  }

  /**
   * What makes one guest out of many: no machine-id (systemd makes one at first boot), no SSH host
   * keys (each node's seed brings its own), cloud-init never run, no apt lists, caches or logs.
   */
  private void seal(Path root) throws IOException {
    put(root, "etc/machine-id", "");
    Files.deleteIfExists(root.resolve("var/lib/dbus/machine-id"));
    Files.deleteIfExists(root.resolve("usr/sbin/policy-rc.d"));
    // debootstrap copied the build host's resolver configuration: resolved's stub replaces it
    Files.deleteIfExists(root.resolve("etc/.resolv.conf.systemd-resolved.bak"));
    Files.deleteIfExists(root.resolve("etc/resolv.conf"));
    Files.createSymbolicLink(
        root.resolve("etc/resolv.conf"), Path.of("../run/systemd/resolve/stub-resolv.conf"));
    try (Stream<Path> keys = list(root.resolve("etc/ssh"))) {
      for (Path key :
          keys.filter(p -> p.getFileName().toString().startsWith("ssh_host_")).toList()) {
        Files.delete(key);
      }
    }
    for (String dir :
        List.of(
            "var/lib/apt/lists",
            "var/cache/apt",
            "var/lib/cloud",
            "var/log",
            "tmp",
            "var/tmp",
            "root/.cache")) {
      emptyFiles(root.resolve(dir));
    }
  }

  /** Deletes the files below {@code dir} (not following links), keeping the directories. */
  private static void emptyFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static Stream<Path> list(Path dir) throws IOException {
    return Files.isDirectory(dir) ? Files.list(dir) : Stream.empty();
  }

  /**
   * Writes a file inside the chroot. An existing entry is removed first, so that a symbolic link
   * there can never lead the write out of the chroot.
   */
  private static void put(Path root, String relative, String content) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /**
   * The kernel and initrd out of {@code /boot}, the tree as an ext4 image sized to its contents
   * plus {@link #HEADROOM}, then the cache directory in one rename, and the work directory gone.
   */
  private void makeRootfs(Path root) throws IOException {
    Path tmp = cacheDir.resolve(".rootfs-" + recipe.hash() + ".tmp");
    mounts.delete(tmp);
    Files.createDirectories(tmp);
    Path boot = root.resolve("boot");
    Files.copy(one(boot, "vmlinuz-"), tmp.resolve("vmlinuz"));
    Files.copy(one(boot, "initrd.img-"), tmp.resolve("initrd.img"));
    long used = treeSize(root);
    long bytes = ((used + HEADROOM) / (1L << 20) + 1) << 20;
    runner.check(
        ProcessSpec.of(
                "mkfs.ext4",
                "-q",
                "-F",
                "-L",
                "root",
                "-m",
                "0",
                "-d",
                root.toString(),
                tmp.resolve("rootfs.raw").toString(),
                (bytes >> 20) + "M")
            .timeout(MKFS_TIMEOUT)
            .build());
    Files.writeString(tmp.resolve(".complete"), recipe.hash() + "\n");
    mounts.delete(rootfsCache());
    Files.move(tmp, rootfsCache(), StandardCopyOption.ATOMIC_MOVE);
    mounts.delete(workDir());
  }

  /** The one file in {@code dir} named {@code prefix*}; a precondition failure otherwise. */
  private static Path one(Path dir, String prefix) throws IOException {
    List<Path> found;
    try (Stream<Path> files = list(dir)) {
      found = files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }
    if (found.size() != 1) {
      throw KldloadException.precondition(
          "expected one " + prefix + "* in " + dir + ", found " + found.size(),
          "check the package install log; rebuild with a clean cache");
    }
    return found.get(0);
  }

  private static long treeSize(Path root) throws IOException {
    AtomicLong total = new AtomicLong();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            // one block at least per file: inodes and small files
            total.addAndGet(Math.max(attrs.size(), 4096));
            return FileVisitResult.CONTINUE;
          }
        });
    return total.get();
  }

  /** Copies the cached kernel and initrd to the images directory, each by a rename into place. */
  private Step kernelStep(VmName vm) {
    Path kernel = kernel(vm);
    Path initrd = initrd(vm);
    return Step.named("golden/kernel")
        .description("copy the golden's kernel and initrd to " + kernel + ", " + initrd)
        .after("golden/rootfs")
        .creates(kernel.toString(), initrd.toString())
        .doneWhen(
            c ->
                ready(vm)
                    ? Files.exists(kernel) && Files.exists(initrd)
                    : same(rootfsCache().resolve("vmlinuz"), kernel)
                        && same(rootfsCache().resolve("initrd.img"), initrd))
        .undo(
            c -> {
              Files.deleteIfExists(kernel);
              Files.deleteIfExists(initrd);
            })
        .apply(
            c -> {
              Files.createDirectories(imagesDir);
              copyInto(rootfsCache().resolve("vmlinuz"), kernel);
              copyInto(rootfsCache().resolve("initrd.img"), initrd);
            });
  }

  private static boolean same(Path a, Path b) throws IOException {
    return Files.exists(a) && Files.exists(b) && Files.mismatch(a, b) == -1;
  }

  private static void copyInto(Path source, Path target) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
