package dev.kldload.kube.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.ProgressListener;
import dev.kldload.core.plan.StepOutcome;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.VmName;
import dev.kldload.kube.orchestrator.ClusterBootstrap;
import dev.kldload.kube.orchestrator.GoldenStack;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.ZvolBackend;
import dev.kldload.kvm.xml.DirectBoot;
import dev.kldload.kvm.xml.DomainDefinition;
import dev.kldload.zfs.InMemoryZfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden plan run by the real plan engine over the in-memory hypervisor and the zvol backend on
 * the in-memory ZFS; every program is answered by {@link FakeHost}, which records the argument
 * lists and does to the temporary directory what the real program would (debootstrap makes a base
 * tree, apt-get puts a kernel and host keys in it, mount and umount change a mount table).
 */
class GoldenBuilderTest {
  static final String MIRROR = "http://mirror.example/debian";
  static final VmName GOLDEN = GoldenRequest.DEFAULT_NAME;

  @TempDir Path tmp;

  /** The programs of a build host, acting on files under the test's directory. */
  static final class FakeHost implements ProcessRunner {
    final List<List<String>> calls = new ArrayList<>();
    final Path mountinfo;
    volatile String failing;

    /** What the chroot held when kube-setup ran in it: its suite and tool links. */
    final List<String> atKubeSetup = new ArrayList<>();

    FakeHost(Path mountinfo) throws Exception {
      this.mountinfo = mountinfo;
      Files.writeString(mountinfo, "");
    }

    List<List<String>> calls(String program) {
      return calls.stream().filter(c -> c.get(0).equals(program)).toList();
    }

    /** The chroot commands, as run inside it (after {@code env -i ...}). */
    List<List<String>> chrootCommands() {
      return calls("chroot").stream().map(c -> c.subList(8, c.size())).collect(Collectors.toList());
    }

    @Override
    public synchronized ProcessResult run(ProcessSpec spec) {
      List<String> argv = spec.argv();
      calls.add(argv);
      try {
        if (failing != null && String.join(" ", argv).contains(failing)) {
          return new ProcessResult(spec, 100, "", "E: scripted failure", Duration.ZERO);
        }
        switch (argv.get(0)) {
          case "debootstrap" -> {
            Path root = Path.of(argv.get(3));
            for (String d : List.of("proc", "sys", "dev/pts", "usr/sbin", "var/lib/dpkg", "etc")) {
              Files.createDirectories(root.resolve(d));
            }
            Files.writeString(root.resolve("var/lib/dpkg/status"), "Package: base-files\n");
            Files.writeString(root.resolve("etc/machine-id"), "0123456789abcdef\n");
          }
          case "mount" ->
              Files.writeString(
                  mountinfo,
                  "36 25 0:5 / " + argv.get(argv.size() - 1) + " rw - x x rw\n",
                  StandardOpenOption.APPEND);
          case "umount" -> {
            List<String> lines = new ArrayList<>(Files.readAllLines(mountinfo));
            lines.removeIf(l -> l.split(" ")[4].equals(argv.get(1)));
            Files.write(mountinfo, lines);
          }
          case "chroot" -> chroot(Path.of(argv.get(1)), argv.subList(8, argv.size()));
          case "mkfs.ext4" -> Files.writeString(Path.of(argv.get(argv.size() - 2)), "ext4");
          case "qemu-img" -> {}
          case "unshare" -> {
            Path root = Path.of(argv.get(3));
            assertThat(mountinfo).content().contains(root.resolve("run/kldload-bundle").toString());
            for (String link : List.of("opt/kldload/bin/kube-setup", "usr/local/bin/kube-setup")) {
              atKubeSetup.add(link + " -> " + Files.readSymbolicLink(root.resolve(link)));
            }
            atKubeSetup.add(
                "opt/kldload/lib/kldload.jar "
                    + Files.readString(root.resolve("opt/kldload/lib/kldload.jar")));
          }
          default -> throw new AssertionError("unexpected program run: " + spec.display());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new ProcessResult(spec, 0, "", "", Duration.ZERO);
    }

    private void chroot(Path root, List<String> command) throws IOException {
      assertThat(mountinfo).content().contains(root.resolve("proc").toString());
      if (command.subList(0, 2).equals(List.of("apt-get", "install"))) {
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("boot/vmlinuz-6.1.0-50-amd64"), "kernel");
        Files.writeString(root.resolve("boot/initrd.img-6.1.0-50-amd64"), "initrd");
        Files.createDirectories(root.resolve("etc/ssh"));
        Files.writeString(root.resolve("etc/ssh/ssh_host_ed25519_key"), "private");
        Files.createDirectories(root.resolve("var/log/apt"));
        Files.writeString(root.resolve("var/log/apt/history.log"), "installed");
        Files.createDirectories(root.resolve("var/lib/apt/lists"));
        Files.writeString(root.resolve("var/lib/apt/lists/mirror_Packages"), "Package: x\n");
      }
    }
  }

  /** A host: hypervisor, zvols on an in-memory pool, the fake programs, a cache. */
  final class Rig {
    final InMemoryHypervisor hypervisor = new InMemoryHypervisor();
    final InMemoryZfs zfs =
        InMemoryZfs.withPool(Clock.systemUTC(), "rpool", ByteSize.ofGigabytes(500));
    final FakeHost host;
    final ZvolBackend disks;
    final Path cache = tmp.resolve("cache");
    final Path images = tmp.resolve("images");
    final Path suite = tmp.resolve("suite");
    final GoldenStack stacks = new GoldenStack(tmp.resolve("state"));
    final GoldenBuilder builder;

    Rig() throws Exception {
      host = new FakeHost(tmp.resolve("mountinfo"));
      Files.createDirectories(suite.resolve("bin"));
      Files.createDirectories(suite.resolve("lib"));
      Files.writeString(suite.resolve("bin/kldload"), "#!/bin/sh\n");
      Files.createSymbolicLink(suite.resolve("bin/kube-setup"), Path.of("kldload"));
      Files.writeString(suite.resolve("lib/kldload.jar"), "classes");
      zfs.createFilesystem(DatasetName.of("rpool/vms"), Map.of());
      disks =
          new ZvolBackend(
              zfs,
              DatasetName.of("rpool/vms"),
              host,
              Clock.systemUTC(),
              "64K",
              p -> true,
              new CancellationToken());
      builder =
          new GoldenBuilder(
              hypervisor,
              disks,
              host,
              new AptSources(tmp.resolve("no-apt")),
              cache,
              images,
              GoldenRecipe.standard(),
              host.mountinfo,
              stacks,
              Optional.of(suite));
    }

    GoldenRequest request() {
      return GoldenRequest.defaults("qemu").withMirror(MIRROR);
    }

    Path chroot() {
      return cache.resolve("work-" + GoldenRecipe.standard().hash()).resolve("root");
    }
  }

  static PlanResult run(Plan plan) {
    return new PlanEngine(
            4, Optional.empty(), ProgressListener.NONE, new CancellationToken(), Clock.systemUTC())
        .run(plan, false);
  }

  static Map<String, StepStatus> statuses(PlanResult result) {
    return result.outcomes().stream()
        .collect(Collectors.toMap(StepOutcome::stepId, StepOutcome::status));
  }

  static final Set<String> BUILD_STEPS =
      Set.of(
          "golden/debootstrap",
          "golden/packages",
          "golden/configure",
          "golden/rootfs",
          "golden/kernel",
          "golden/disk",
          "golden/define",
          "golden/snapshot");

  @Test
  @DisplayName(
      "a fresh host: debootstrap, packages, seal, image, disk, domain, snapshot; never started")
  void freshBuild() throws Exception {
    Rig rig = new Rig();
    Path root = rig.chroot();
    Plan plan = rig.builder.plan(rig.request());
    assertThat(plan.ordered())
        .extracting(s -> s.id())
        .containsExactlyInAnyOrderElementsOf(BUILD_STEPS);
    PlanResult result = run(plan);
    assertThat(result.withStatus(StepStatus.APPLIED)).hasSize(BUILD_STEPS.size());

    assertThat(rig.host.calls("debootstrap"))
        .containsExactly(
            List.of("debootstrap", "--variant=minbase", "bookworm", root.toString(), MIRROR));
    List<List<String>> inChroot = rig.host.chrootCommands();
    assertThat(inChroot.get(0)).isEqualTo(List.of("apt-get", "update", "-q"));
    List<String> install =
        new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
    install.addAll(GoldenRecipe.standard().packages());
    assertThat(inChroot.get(1)).isEqualTo(install);
    assertThat(install)
        .contains(
            "linux-image-amd64",
            "cloud-init",
            "openssh-server",
            "wireguard-tools",
            "nftables",
            "openjdk-17-jre-headless");
    assertThat(inChroot.subList(2, inChroot.size())).isEqualTo(GoldenRecipe.standard().commands());
    assertThat(rig.host.calls("chroot").get(0).subList(0, 8))
        .containsExactly(
            "chroot",
            root.toString(),
            "/usr/bin/env",
            "-i",
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME=/root",
            "LC_ALL=C.UTF-8",
            "DEBIAN_FRONTEND=noninteractive");
    List<List<String>> mounts =
        List.of(
            List.of("mount", "-t", "proc", "proc", root.resolve("proc").toString()),
            List.of("mount", "-t", "sysfs", "sysfs", root.resolve("sys").toString()),
            List.of("mount", "--bind", "/dev", root.resolve("dev").toString()),
            List.of("mount", "--bind", "/dev/pts", root.resolve("dev/pts").toString()));
    // mounted for the install and again for the configuration, unmounted after each
    List<List<String>> twice = new ArrayList<>(mounts);
    twice.addAll(mounts);
    assertThat(rig.host.calls("mount")).isEqualTo(twice);
    assertThat(rig.host.calls("umount")).hasSize(8);
    assertThat(rig.host.mountinfo).content().isEmpty();
    Path cached = rig.builder.rootfsCache();
    List<String> mkfs = rig.host.calls("mkfs.ext4").get(0);
    assertThat(mkfs.subList(0, mkfs.size() - 1))
        .containsExactly(
            "mkfs.ext4",
            "-q",
            "-F",
            "-L",
            "root",
            "-m",
            "0",
            "-d",
            root.toString(),
            rig.cache
                .resolve(".rootfs-" + GoldenRecipe.standard().hash() + ".tmp/rootfs.raw")
                .toString());
    assertThat(mkfs.get(mkfs.size() - 1)).matches("\\d+M");
    assertThat(rig.host.calls("qemu-img"))
        .containsExactly(
            List.of(
                "qemu-img",
                "convert",
                "-q",
                "-n",
                "-O",
                "raw",
                cached.resolve("rootfs.raw").toString(),
                "/dev/zvol/rpool/vms/k8s-golden"));

    // the cache holds the image; the work directory is gone
    assertThat(cached.resolve(".complete")).exists();
    assertThat(rig.chroot().getParent()).doesNotExist();
    assertThat(rig.images.resolve("k8s-golden-vmlinuz")).hasContent("kernel");
    assertThat(rig.images.resolve("k8s-golden-initrd.img")).hasContent("initrd");

    VmDomain domain = rig.hypervisor.domain("k8s-golden").orElseThrow();
    assertThat(domain.state().active()).isFalse();
    DomainDefinition def = DomainDefinition.parse(domain.xml());
    assertThat(def.dataDisks()).hasSize(1);
    assertThat(def.dataDisks().get(0).source()).contains(Path.of("/dev/zvol/rpool/vms/k8s-golden"));
    assertThat(def.nics()).isEqualTo(1);
    assertThat(def.nvram()).isEmpty();
    assertThat(def.metadata().orElseThrow().owner()).isEqualTo(ClusterBootstrap.OWNER);
    assertThat(def.metadata().orElseThrow().role()).isEqualTo("golden");
    assertThat(domain.xml())
        .contains("<kernel>" + rig.images.resolve("k8s-golden-vmlinuz") + "</kernel>")
        .contains("<initrd>" + rig.images.resolve("k8s-golden-initrd.img") + "</initrd>")
        .contains("<cmdline>root=/dev/vda console=ttyS0</cmdline>")
        .contains("network=\"default\"");
    assertThat(rig.disks.findSnapshot(GOLDEN, "golden")).isPresent();
    assertThat(rig.zfs.property(DatasetName.of("rpool/vms/k8s-golden"), "volblocksize"))
        .contains("64K");
    assertThat(rig.zfs.property(DatasetName.of("rpool/vms/k8s-golden"), "compression"))
        .contains("lz4");
    assertThat(rig.zfs.property(DatasetName.of("rpool/vms/k8s-golden"), "com.kldload:owner"))
        .contains(ClusterBootstrap.OWNER);
    assertThat(rig.zfs.property(DatasetName.of("rpool/vms/k8s-golden"), "com.kldload:role"))
        .contains("golden");
  }

  @Test
  @DisplayName(
      "the chroot is sealed: empty machine-id, no host keys, NoCloud pinned, no logs or lists")
  void sealed() throws Exception {
    Rig rig = new Rig();
    Path root = rig.chroot();
    Plan plan = rig.builder.plan(rig.request());
    // stop before the image is made, to look at the tree
    rig.host.failing = "mkfs.ext4";
    run(plan);
    assertThat(root.resolve("etc/machine-id")).isEmptyFile();
    assertThat(root.resolve("etc/ssh/ssh_host_ed25519_key")).doesNotExist();
    assertThat(root.resolve("usr/sbin/policy-rc.d")).doesNotExist();
    assertThat(root.resolve("var/log/apt/history.log")).doesNotExist();
    assertThat(root.resolve("var/log/apt")).isDirectory();
    assertThat(root.resolve("var/lib/apt/lists/mirror_Packages")).doesNotExist();
    assertThat(root.resolve("etc/cloud/cloud.cfg.d/90-kldload.cfg"))
        .content()
        .contains("datasource_list: [ NoCloud ]\n", "locale: C.UTF-8\n");
    assertThat(root.resolve("etc/ssh/sshd_config.d/90-kldload.conf"))
        .content()
        .contains(
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password");
    assertThat(root.resolve("etc/fstab")).content().startsWith("/dev/vda / ext4 ");
    assertThat(Files.readSymbolicLink(root.resolve("etc/resolv.conf")))
        .isEqualTo(Path.of("../run/systemd/resolve/stub-resolv.conf"));
    assertThat(root.resolve("etc/apt/sources.list")).hasContent("deb " + MIRROR + " bookworm main");
    assertThat(rig.host.chrootCommands()).contains(List.of("passwd", "--lock", "root"));
  }

  @Test
  @DisplayName("a dry run plans every step, runs no program and changes nothing")
  void dryRun() throws Exception {
    Rig rig = new Rig();
    PlanResult result =
        new PlanEngine(
                4,
                Optional.empty(),
                ProgressListener.NONE,
                new CancellationToken(),
                Clock.systemUTC())
            .run(rig.builder.plan(rig.request()), true);
    assertThat(statuses(result).values()).containsOnly(StepStatus.PLANNED);
    assertThat(rig.host.calls).isEmpty();
    assertThat(rig.cache).doesNotExist();
    assertThat(rig.hypervisor.domain("k8s-golden")).isEmpty();
  }

  @Test
  @DisplayName("a second run finds every step done and runs no program")
  void idempotent() throws Exception {
    Rig rig = new Rig();
    run(rig.builder.plan(rig.request())).throwIfFailed();
    int calls = rig.host.calls.size();
    PlanResult again = run(rig.builder.plan(rig.request()));
    assertThat(statuses(again).values()).containsOnly(StepStatus.ALREADY_DONE);
    assertThat(rig.host.calls).hasSize(calls);
  }

  @Test
  @DisplayName("a second golden copies the cached root file system: no debootstrap, no install")
  void cacheReused() throws Exception {
    Rig rig = new Rig();
    run(rig.builder.plan(rig.request())).throwIfFailed();
    rig.host.calls.clear();
    VmName other = VmName.of("k8s-golden-b");
    PlanResult result = run(rig.builder.plan(rig.request().withName(other)));
    result.throwIfFailed();
    assertThat(statuses(result))
        .containsEntry("golden/debootstrap", StepStatus.ALREADY_DONE)
        .containsEntry("golden/rootfs", StepStatus.ALREADY_DONE)
        .containsEntry("golden/disk", StepStatus.APPLIED)
        .containsEntry("golden/snapshot", StepStatus.APPLIED);
    assertThat(rig.host.calls).extracting(c -> c.get(0)).containsExactly("qemu-img");
    assertThat(rig.disks.findSnapshot(other, "golden")).isPresent();
  }

  @Test
  @DisplayName(
      "a failed install is undone, leaves nothing mounted, and the re-run resumes after debootstrap")
  void failedInstallResumes() throws Exception {
    Rig rig = new Rig();
    rig.host.failing = "apt-get install";
    PlanResult failed = run(rig.builder.plan(rig.request()));
    assertThat(statuses(failed)).containsEntry("golden/packages", StepStatus.FAILED);
    assertThat(failed.outcomes().stream().filter(o -> o.stepId().equals("golden/packages")))
        .first()
        .extracting(StepOutcome::errorMessage)
        .asString()
        .contains("scripted failure");
    assertThat(rig.host.mountinfo).content().isEmpty();
    assertThat(rig.hypervisor.domain("k8s-golden")).isEmpty();
    assertThat(rig.disks.exists(GOLDEN)).isFalse();

    rig.host.failing = null;
    PlanResult resumed = run(rig.builder.plan(rig.request()));
    resumed.throwIfFailed();
    assertThat(statuses(resumed))
        .containsEntry("golden/debootstrap", StepStatus.ALREADY_DONE)
        .containsEntry("golden/packages", StepStatus.APPLIED);
    assertThat(rig.host.calls("debootstrap")).hasSize(1);
  }

  @Test
  @DisplayName("--rebuild is refused while a clone depends on the golden; the golden stays")
  void rebuildRefusedWithClones() throws Exception {
    Rig rig = new Rig();
    run(rig.builder.plan(rig.request())).throwIfFailed();
    rig.disks.cloneFrom(
        rig.disks.findSnapshot(GOLDEN, "golden").orElseThrow(), VmName.of("lab-cp1"));
    assertThatThrownBy(() -> rig.builder.plan(rig.request().withRebuild(true)))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
              assertThat(e.getMessage()).contains("rpool/vms/lab-cp1");
            });
    assertThat(rig.builder.ready(GOLDEN)).isTrue();
  }

  @Test
  @DisplayName(
      "--rebuild without clones replaces the golden from the cache; a plain run then reuses it")
  void rebuild() throws Exception {
    Rig rig = new Rig();
    run(rig.builder.plan(rig.request())).throwIfFailed();
    String before = rig.disks.snapshots(GOLDEN).get(0).created().toString();
    Thread.sleep(5); // distinct creation times of the old and the new snapshot
    rig.host.calls.clear();
    PlanResult result = run(rig.builder.plan(rig.request().withRebuild(true)));
    result.throwIfFailed();
    assertThat(statuses(result))
        .containsEntry("golden/remove-old", StepStatus.APPLIED)
        .containsEntry("golden/debootstrap", StepStatus.ALREADY_DONE)
        .containsEntry("golden/disk", StepStatus.APPLIED)
        .containsEntry("golden/define", StepStatus.APPLIED)
        .containsEntry("golden/snapshot", StepStatus.APPLIED);
    assertThat(rig.host.calls("debootstrap")).isEmpty();
    assertThat(rig.disks.snapshots(GOLDEN)).hasSize(1);
    assertThat(rig.disks.snapshots(GOLDEN).get(0).created().toString()).isNotEqualTo(before);
    assertThat(statuses(run(rig.builder.plan(rig.request()))).values())
        .containsOnly(StepStatus.ALREADY_DONE);
  }

  /** A bundle whose stack lock pins nothing: the golden's provisioning is what is tested. */
  Path bundle() throws IOException {
    Path bundle = tmp.resolve("darksite");
    Files.createDirectories(bundle);
    Files.writeString(bundle.resolve("k8s-stack.lock.yaml"), "kubernetes: v1.32.3\n");
    return bundle;
  }

  @Test
  @DisplayName(
      "with a bundle: kube-setup --image in the chroot (bundle read-only, no network), the suite in"
          + " /opt/kldload, then the stack recorded on the golden's UUID")
  void provisionsKubernetes() throws Exception {
    Rig rig = new Rig();
    Path bundle = bundle();
    String sha = GoldenStack.sha256(bundle.resolve("k8s-stack.lock.yaml"));
    Plan plan = rig.builder.plan(rig.request().withBundle(bundle));
    Set<String> steps = new HashSet<>(BUILD_STEPS);
    steps.addAll(Set.of("golden/kubernetes", "golden/stack"));
    assertThat(plan.ordered()).extracting(s -> s.id()).containsExactlyInAnyOrderElementsOf(steps);

    PlanResult result = run(plan);

    assertThat(result.withStatus(StepStatus.APPLIED)).hasSize(steps.size());
    Path root =
        rig.cache
            .resolve("work-" + GoldenRecipe.standard().kubernetes(sha, false).hash())
            .resolve("root");
    assertThat(rig.host.calls("mount"))
        .contains(
            List.of(
                "mount",
                "--bind",
                "-o",
                "ro",
                bundle.toString(),
                root.resolve("run/kldload-bundle").toString()));
    List<String> kubeSetup = rig.host.calls("unshare").get(0);
    assertThat(kubeSetup.subList(0, 4))
        .containsExactly("unshare", "--net", "chroot", root.toString());
    assertThat(kubeSetup.subList(10, kubeSetup.size()))
        .containsExactly(
            "/opt/kldload/bin/kube-setup",
            "--image",
            "--bundle",
            "/run/kldload-bundle",
            "--lock",
            "/run/kldload-bundle/k8s-stack.lock.yaml");
    assertThat(rig.host.atKubeSetup)
        .containsExactly(
            "opt/kldload/bin/kube-setup -> kldload",
            "usr/local/bin/kube-setup -> /opt/kldload/bin/kube-setup",
            "opt/kldload/lib/kldload.jar classes");
    assertThat(rig.host.chrootCommands().indexOf(GoldenRecipe.standard().commands().get(0)))
        .as("sealed after kube-setup")
        .isPositive();
    assertThat(rig.stacks.carried(GOLDEN.value()))
        .contains(
            new GoldenStack.Carried(
                sha, rig.hypervisor.domain(GOLDEN.value()).orElseThrow().uuid()));
    assertThat(statuses(run(rig.builder.plan(rig.request().withBundle(bundle)))).values())
        .containsOnly(StepStatus.ALREADY_DONE);
  }

  @Test
  @DisplayName(
      "a golden without Kubernetes is refused for a bundle (exit 6, hint --rebuild); --rebuild"
          + " replaces it with one that carries the stack")
  void goldenWithoutKubernetes() throws Exception {
    Rig rig = new Rig();
    run(rig.builder.plan(rig.request()));
    Path bundle = bundle();

    assertThatThrownBy(() -> rig.builder.plan(rig.request().withBundle(bundle)))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION);
              assertThat(e.getMessage()).contains("carries no Kubernetes");
              assertThat(e.hint().orElseThrow()).contains("kube-cluster golden --rebuild");
            });

    Plan rebuild = rig.builder.plan(rig.request().withBundle(bundle).withRebuild(true));
    assertThat(rebuild.ordered())
        .extracting(s -> s.id())
        .contains("golden/remove-old", "golden/kubernetes", "golden/stack");
    assertThat(run(rebuild).withStatus(StepStatus.FAILED)).isEmpty();
    assertThat(rig.stacks.carried(GOLDEN.value())).isPresent();
  }

  @Test
  @DisplayName("a foreign domain with the golden's name is refused before anything changes")
  void foreignDomain() throws Exception {
    Rig rig = new Rig();
    rig.hypervisor.define(
        "<domain type='qemu'><name>k8s-golden</name><memory>65536</memory><os><type>hvm</type></os></domain>");
    assertThatThrownBy(() -> rig.builder.plan(rig.request()))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
    assertThat(rig.host.calls).isEmpty();
  }

  @Test
  @DisplayName("--image: nothing is built; the image is copied and boots with its own boot loader")
  void image() throws Exception {
    Rig rig = new Rig();
    Path image = Files.writeString(tmp.resolve("cloud.qcow2"), "qcow2");
    run(rig.builder.plan(rig.request().withImage(image, Optional.empty()))).throwIfFailed();
    assertThat(rig.host.calls)
        .containsExactly(
            List.of(
                "qemu-img",
                "convert",
                "-q",
                "-n",
                "-O",
                "raw",
                image.toString(),
                "/dev/zvol/rpool/vms/k8s-golden"));
    String xml = rig.hypervisor.domain("k8s-golden").orElseThrow().xml();
    assertThat(xml).doesNotContain("<kernel>");
    assertThat(rig.disks.findSnapshot(GOLDEN, "golden")).isPresent();
  }

  @Test
  @DisplayName("--image with a kernel boots it directly")
  void imageWithKernel() throws Exception {
    Rig rig = new Rig();
    Path image = Files.writeString(tmp.resolve("root.raw"), "raw");
    Path kernel = Files.writeString(tmp.resolve("vmlinuz"), "k");
    DirectBoot boot = new DirectBoot(kernel, Optional.empty(), "root=/dev/vda console=ttyS0");
    String xml = rig.builder.domainXml(rig.request().withImage(image, Optional.of(boot)));
    assertThat(xml).contains("<kernel>" + kernel + "</kernel>").doesNotContain("<initrd>");
  }

  @Test
  @DisplayName("the golden's domain XML is valid libvirt XML (virt-xml-validate)")
  void validXml() throws Exception {
    Requirements.require(
        Requirements.onPath("virt-xml-validate"), "virt-xml-validate (libvirt-clients)");
    Rig rig = new Rig();
    Path file = Files.writeString(tmp.resolve("golden.xml"), rig.builder.domainXml(rig.request()));
    ProcessResult result =
        new SystemProcessRunner()
            .run(List.of("virt-xml-validate", file.toString(), "domain"), Duration.ofSeconds(30));
    assertThat(result.exitCode()).as(result.stderr() + result.stdout()).isZero();
  }
}
