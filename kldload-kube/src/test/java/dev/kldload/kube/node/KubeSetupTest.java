package dev.kldload.kube.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepOutcome;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.testing.GoldenFiles;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.DatasetName;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.InMemoryZfs;
import dev.kldload.zfs.Ownership;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeSetupTest {
  @TempDir Path root;
  ScriptedRunner runner;
  NodeSystem sys;

  static final String PAUSE = "registry.k8s.io/pause:3.10";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  @BeforeEach
  void machine() throws IOException {
    write("proc/self/mounts", "/dev/vda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n");
    write("proc/swaps", "Filename Type Size Used Priority\n/dev/vda2 partition 1000 0 -2\n");
    write("etc/fstab", "/dev/vda1 / ext4 defaults 0 1\n/dev/vda2 none swap sw 0 0\n");
    for (String[] s : KubeSetup.SYSCTLS) {
      write("proc/sys/" + s[0].replace('.', '/'), "9\n");
    }
    runner =
        new ScriptedRunner()
            .on("modprobe", a -> mkdir("sys/module/" + a.get(1)))
            .on(
                "sysctl",
                a -> {
                  for (String[] s : KubeSetup.SYSCTLS) {
                    write("proc/sys/" + s[0].replace('.', '/'), s[1] + "\n");
                  }
                  return 0;
                })
            .on("swapoff", a -> write("proc/swaps", "Filename Type Size Used Priority\n"))
            .on("dpkg-query", a -> 1);
    sys = new NodeSystem(root, runner);
  }

  /** A node whose root is rpool/ROOT/debian, with only the pool's root dataset. */
  InMemoryZfs zfs = InMemoryZfs.withPool(CLOCK, "rpool", ByteSize.parse("10G"));

  KubeSetup setup() {
    return new KubeSetup(sys, () -> zfs, CLOCK.instant());
  }

  int write(String rel, String content) {
    try {
      Files.createDirectories(root.resolve(rel).getParent());
      Files.writeString(root.resolve(rel), content);
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int mkdir(String rel) {
    try {
      Files.createDirectories(root.resolve(rel));
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path lock(String packagesYaml) throws IOException {
    Path lock = root.resolve("lock.yaml");
    Files.writeString(lock, "kubernetes: v1.32.3\npackages:\n" + packagesYaml);
    return lock;
  }

  static final String KUBELET =
      "  - name: kubelet\n    version: 1.32.3-1.1\n    file: debs/kubelet.deb\n"
          + "    sha256: %s\n";

  KubeSetup.Request request(Path lock, Optional<DatasetName> parent) {
    return new KubeSetup.Request(
        lock,
        root.resolve("darksite"),
        Optional.of(Cidr.parseAddress("10.251.0.1")),
        parent,
        PAUSE);
  }

  @Test
  @DisplayName(
      "without a package source: configures everything else, stops at packages with exit 6")
  void stopsAtPackages() throws Exception {
    Plan plan = setup().plan(request(lock(KUBELET.formatted("a".repeat(64))), Optional.empty()));
    PlanResult first = PlanEngine.quiet(1).run(plan, false);
    assertThat(first.exitCode()).isEqualTo(ExitCode.PRECONDITION);
    StepOutcome packages =
        first.outcomes().stream().filter(o -> o.stepId().equals("packages")).findFirst().get();
    assertThat(packages.errorMessage())
        .contains("no package source", "darksite does not exist", "kubelet 1.32.3-1.1");
    assertThat(first.withStatus(StepStatus.FAILED)).hasSize(1);

    assertThat(Files.readString(root.resolve("etc/containerd/config.toml")))
        .contains("SystemdCgroup = true", "bin_dir = \"/opt/cni/bin\"");
    assertThat(Files.readString(root.resolve("etc/fstab")))
        .contains("#kldload-swapoff# /dev/vda2 none swap sw 0 0")
        .contains("/dev/vda1 / ext4 defaults 0 1\n");
    assertThat(Files.readSymbolicLink(root.resolve("etc/systemd/system/swap.target")))
        .isEqualTo(Path.of("/dev/null"));
    assertThat(Files.readString(root.resolve("etc/default/kubelet")))
        .isEqualTo("KUBELET_EXTRA_ARGS=--node-ip=10.251.0.1\n");
    assertThat(root.resolve("opt/cni/bin")).isDirectory();

    int callsBefore = runner.calls.size();
    PlanResult second =
        PlanEngine.quiet(1)
            .run(setup().plan(request(root.resolve("lock.yaml"), Optional.empty())), false);
    assertThat(second.exitCode()).isEqualTo(ExitCode.PRECONDITION);
    assertThat(second.withStatus(StepStatus.APPLIED)).isEmpty();
    assertThat(second.outcomes())
        .filteredOn(o -> !List.of("packages", "tools").contains(o.stepId()))
        .allSatisfy(o -> assertThat(o.status()).isEqualTo(StepStatus.ALREADY_DONE));
    // the second run only observed: no modprobe, sysctl or swapoff
    assertThat(runner.calls.subList(callsBefore, runner.calls.size()))
        .allSatisfy(c -> assertThat(c.get(0)).isEqualTo("dpkg-query"));
  }

  @Test
  @DisplayName("rendered files match their golden copies")
  void goldenFiles() {
    GoldenFiles.assertMatches(
        "kube-setup/containerd-config.toml", KubeSetup.containerdConfig(PAUSE));
    GoldenFiles.assertMatches("kube-setup/crictl.yaml", KubeSetup.crictlConfig());
    GoldenFiles.assertMatches("kube-setup/modules-load.conf", KubeSetup.modulesFile());
    GoldenFiles.assertMatches("kube-setup/sysctl.conf", KubeSetup.sysctlFile());
  }

  @Test
  @DisplayName("ZFS datasets are planned only when / is on ZFS (or a parent is given)")
  void datasetsOnlyOnZfs() throws Exception {
    Path lock = lock("");
    List<String> ids = ids(setup().plan(request(lock, Optional.empty())));
    assertThat(ids).noneMatch(id -> id.startsWith("dataset-"));
    write("proc/self/mounts", "rpool/ROOT/debian / zfs rw 0 0\n");
    Plan plan = setup().plan(request(lock, Optional.empty()));
    assertThat(ids(plan)).contains("dataset-etcd", "dataset-containerd", "dataset-kubelet");
    assertThat(plan.step("dataset-etcd").description())
        .isEqualTo(
            "ZFS dataset rpool/var/lib/etcd at /var/lib/etcd (lz4, atime off, recordsize 8K)");
    assertThat(plan.step("containerd-config").dependsOn()).contains("dataset-containerd");
    assertThat(plan.step("dataset-etcd").dependsOn()).containsExactly("dataset-parents");
    Plan explicit = setup().plan(request(lock, Optional.of(DatasetName.of("tank/k8s"))));
    assertThat(explicit.step("dataset-kubelet").description())
        .startsWith("ZFS dataset tank/k8s/var/lib/kubelet");
  }

  @Test
  @DisplayName(
      "datasets are created through the Zfs port with our marks, mounted; a second run changes none")
  void datasetsThroughThePort() throws Exception {
    write("proc/self/mounts", "rpool/ROOT/debian / zfs rw 0 0\n");
    Path lock = lock("");
    PlanResult first =
        PlanEngine.quiet(1).run(setup().plan(request(lock, Optional.empty())), false);
    assertThat(first.withStatus(StepStatus.FAILED)).isEmpty();
    Dataset etcd = zfs.dataset(DatasetName.of("rpool/var/lib/etcd")).orElseThrow();
    assertThat(etcd.mounted()).isTrue();
    assertThat(etcd.mountpoint()).contains(Path.of("/var/lib/etcd"));
    assertThat(zfs.property(etcd.name(), "recordsize")).contains("8192");
    assertThat(zfs.property(etcd.name(), "compression")).contains("lz4");
    assertThat(zfs.property(etcd.name(), "atime")).contains("off");
    assertThat(etcd.ownership().map(Ownership::owner)).contains("kube-setup");
    assertThat(zfs.dataset(DatasetName.of("rpool/var/lib/kubelet")).orElseThrow().mounted())
        .isTrue();
    assertThat(zfs.property(DatasetName.of("rpool/var"), "canmount")).contains("off");
    assertThat(zfs.dataset(DatasetName.of("rpool/var/lib")).orElseThrow().ownership()).isPresent();

    zfs.setProperties(etcd.name(), Map.of("atime", "on"));
    PlanResult second =
        PlanEngine.quiet(1).run(setup().plan(request(lock, Optional.empty())), false);
    assertThat(second.withStatus(StepStatus.APPLIED))
        .extracting(StepOutcome::stepId)
        .containsExactly("dataset-etcd");
    assertThat(zfs.property(etcd.name(), "atime")).contains("off");
  }

  @Test
  @DisplayName("a dataset kube-setup did not create is left alone: the step fails with a conflict")
  void foreignDataset() throws Exception {
    write("proc/self/mounts", "rpool/ROOT/debian / zfs rw 0 0\n");
    zfs.createFilesystem(DatasetName.of("rpool/var"), Map.of());
    zfs.createFilesystem(DatasetName.of("rpool/var/lib"), Map.of());
    zfs.createFilesystem(
        DatasetName.of("rpool/var/lib/etcd"), Map.of("mountpoint", "/srv/etcd", "atime", "on"));
    PlanResult r =
        PlanEngine.quiet(1).run(setup().plan(request(lock(""), Optional.empty())), false);
    StepOutcome etcd =
        r.outcomes().stream().filter(o -> o.stepId().equals("dataset-etcd")).findFirst().get();
    assertThat(etcd.status()).isEqualTo(StepStatus.FAILED);
    assertThat(etcd.errorMessage()).contains("rpool/var/lib/etcd", "not created by kube-setup");
    assertThat(zfs.property(DatasetName.of("rpool/var/lib/etcd"), "atime")).contains("on");
    assertThat(zfs.property(DatasetName.of("rpool/var/lib/etcd"), "mountpoint"))
        .contains("/srv/etcd");
    assertThat(zfs.property(DatasetName.of("rpool/var"), "canmount"))
        .as("existing parents are not ours to change")
        .isEmpty();
  }

  @Test
  @DisplayName("installs packages only after verifying SHA-256; a mismatch stops the install")
  void checksums() throws Exception {
    Files.createDirectories(root.resolve("darksite/debs"));
    Files.writeString(root.resolve("darksite/debs/kubelet.deb"), "deb bytes");
    String good = KubeSetup.sha256(root.resolve("darksite/debs/kubelet.deb"));
    runner.on("dpkg", a -> 0).on("apt-mark", a -> 0);

    PlanResult bad =
        PlanEngine.quiet(1)
            .run(
                setup().plan(request(lock(KUBELET.formatted("b".repeat(64))), Optional.empty())),
                false);
    assertThat(bad.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(runner.mutatingCalls("dpkg")).isEmpty();

    PlanEngine.quiet(1)
        .run(setup().plan(request(lock(KUBELET.formatted(good)), Optional.empty())), false);
    assertThat(runner.mutatingCalls("dpkg"))
        .containsExactly(
            List.of(
                "dpkg",
                "--force-confold",
                "-i",
                root.resolve("darksite/debs/kubelet.deb").toString()));
    assertThat(runner.mutatingCalls("apt-mark"))
        .containsExactly(List.of("apt-mark", "hold", "kubelet"));
  }

  @Test
  @DisplayName(
      "for an image: files written but nothing applied, no datasets, units enabled not started,"
          + " the node's bundle files copied")
  void image() throws Exception {
    Files.createDirectories(root.resolve("mnt/bundle/debs"));
    Files.createDirectories(root.resolve("mnt/bundle/charts"));
    Files.createDirectories(root.resolve("mnt/bundle/k8s-images"));
    Files.writeString(root.resolve("mnt/bundle/debs/kubelet.deb"), "deb bytes");
    Files.writeString(root.resolve("mnt/bundle/charts/cilium.tgz"), "chart bytes");
    Files.writeString(root.resolve("mnt/bundle/k8s-images/pause.tar"), "image bytes");
    Path lock = root.resolve("mnt/bundle/k8s-stack.lock.yaml");
    Files.writeString(
        lock,
        "kubernetes: v1.32.3\npackages:\n"
            + KUBELET.formatted(KubeSetup.sha256(root.resolve("mnt/bundle/debs/kubelet.deb")))
            + "charts:\n  - {name: cilium, version: 1.16.0, file: charts/cilium.tgz, sha256: "
            + KubeSetup.sha256(root.resolve("mnt/bundle/charts/cilium.tgz"))
            + "}\nimages:\n  - {ref: registry.k8s.io/pause:3.10, source: registry.k8s.io/pause:3.10,"
            + " digest: sha256:"
            + "c".repeat(64)
            + ", file: k8s-images/pause.tar, sha256: "
            + KubeSetup.sha256(root.resolve("mnt/bundle/k8s-images/pause.tar"))
            + "}\n");
    boolean[] installed = {false};
    runner
        .on(
            "dpkg",
            a -> {
              installed[0] = true;
              return 0;
            })
        .on("dpkg-query", a -> installed[0] ? 0 : 1)
        .output("dpkg-query", a -> "1.32.3-1.1")
        .on("apt-mark", a -> 0);
    KubeSetup.Request request =
        new KubeSetup.Request(
            lock,
            root.resolve("mnt/bundle"),
            Optional.empty(),
            Optional.of(DatasetName.of("rpool")),
            PAUSE,
            Optional.of(Path.of("/root/darksite")));
    KubeSetup setup =
        new KubeSetup(
            sys,
            () -> {
              throw new AssertionError("an image gets no datasets");
            },
            CLOCK.instant());

    PlanResult result = PlanEngine.quiet(1).run(setup.plan(request), false);

    assertThat(result.withStatus(StepStatus.FAILED)).isEmpty();
    assertThat(result.outcomes())
        .extracting(StepOutcome::stepId)
        .doesNotContain("modules-load", "sysctl-apply");
    assertThat(runner.calls)
        .extracting(c -> c.get(0))
        .doesNotContain("modprobe", "sysctl", "swapoff");
    assertThat(root.resolve("etc/modules-load.d/kldload-k8s.conf"))
        .content()
        .contains("br_netfilter");
    assertThat(root.resolve("etc/sysctl.d/99-kldload-k8s.conf"))
        .content()
        .contains("ip_forward = 1");
    assertThat(Files.readSymbolicLink(root.resolve("etc/systemd/system/swap.target")))
        .isEqualTo(Path.of("/dev/null"));
    assertThat(root.resolve("root/darksite/k8s-stack.lock.yaml")).hasSameTextualContentAs(lock);
    assertThat(root.resolve("root/darksite/charts/cilium.tgz")).hasContent("chart bytes");
    assertThat(root.resolve("root/darksite/k8s-images/pause.tar")).hasContent("image bytes");
    assertThat(root.resolve("root/darksite/debs"))
        .as("packages are installed, not kept")
        .doesNotExist();
    assertThat(runner.mutatingCalls("dpkg")).hasSize(1);

    int callsBefore = runner.calls.size();
    PlanResult second = PlanEngine.quiet(1).run(setup.plan(request), false);
    assertThat(second.outcomes())
        .filteredOn(o -> o.stepId().equals("node-bundle"))
        .extracting(StepOutcome::status)
        .containsExactly(StepStatus.ALREADY_DONE);
    assertThat(runner.calls.subList(callsBefore, runner.calls.size()))
        .extracting(c -> c.get(0))
        .doesNotContain("dpkg");
  }

  @Test
  @DisplayName("the stack lock refuses artefacts without a checksum and unpinned versions")
  void lockValidation() throws Exception {
    assertThatThrownBy(
            () ->
                StackLock.load(
                    lock("  - {name: kubelet, version: 1.32.3-1.1, file: debs/k.deb}\n")))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT))
        .hasMessageContaining("has no SHA-256 checksum");
    assertThatThrownBy(
            () ->
                StackLock.load(
                    lock(
                        "  - {name: kubelet, version: latest, file: debs/k.deb, sha256: "
                            + "a".repeat(64)
                            + "}\n")))
        .hasMessageContaining("has no pinned version");
    Path latest = root.resolve("latest.yaml");
    Files.writeString(latest, "kubernetes: latest\n");
    assertThatThrownBy(() -> StackLock.load(latest))
        .hasMessageContaining("is not a pinned version");
    assertThatThrownBy(() -> StackLock.load(root.resolve("absent.yaml")))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION));
    Path unknown = root.resolve("unknown.yaml");
    Files.writeString(unknown, "kubernetes: v1.32.3\nextra: 1\n");
    assertThatThrownBy(() -> StackLock.load(unknown)).hasMessageContaining("is not valid");
  }

  static List<String> ids(Plan plan) {
    return plan.ordered().stream().map(Step::id).toList();
  }
}
