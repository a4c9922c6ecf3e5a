package dev.kldload.cli.kube.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.CancellationToken;
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
import dev.kldload.kube.golden.AptSources;
import dev.kldload.kube.golden.GoldenBuilder;
import dev.kldload.kube.golden.GoldenRecipe;
import dev.kldload.kube.golden.GoldenRequest;
import dev.kldload.kube.orchestrator.GoldenStack;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.disk.Qcow2Backend;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real golden with Kubernetes: debootstrap from the host's own apt sources, then the suite's own
 * {@code kube-setup --image} in the chroot from a stand-in bundle (kubelet, kubeadm and kubectl
 * built with dpkg-deb, a helm tool archive, an image archive), bind-mounted read-only, in a network
 * namespace with only a loopback. The suite is a runtime directory laid out as the packaging lays
 * it out, with the real launcher, this test's class path as its jars and the golden's own Java as
 * its {@code jre}. Needs root, debootstrap, mkfs.ext4, debugfs, qemu-img, unshare, dpkg-deb and the
 * host's Debian archive (minutes: measured and reported).
 */
class GoldenKubernetesIT {
  static final String VERSION = "1.32.3-1.1";
  static final String HELM =
      "#!/bin/sh\necho 'version.BuildInfo{Version:\"v3.17.0\"} (stand-in)'\n";
  static final byte[] PAUSE = "a stand-in image archive\n".getBytes();

  @TempDir Path tmp;
  final ProcessRunner runner = new SystemProcessRunner();

  private static void requireTools() {
    Requirements.require(Requirements.isRoot(), "root (debootstrap, chroot, mount, unshare)");
    for (String tool :
        List.of(
            "debootstrap", "mkfs.ext4", "debugfs", "qemu-img", "chroot", "unshare", "dpkg-deb")) {
      Requirements.require(
          Requirements.onPath(tool) || Requirements.onPath("/usr/sbin/" + tool),
          tool + " is not installed");
    }
  }

  @Test
  @DisplayName(
      "a golden provisioned offline: stand-in packages installed, tools in /usr/local/bin, module"
          + " and sysctl files, kubelet enabled, images kept for the node, the stack recorded")
  void provisionsKubernetes(TestReporter reporter) throws Exception {
    requireTools();
    Path bundle = bundle();
    Path suite = suite();
    Path images = tmp.resolve("images");
    GoldenStack stacks = new GoldenStack(tmp.resolve("state"));
    // the hypervisor only defines the golden: the chroot is what this test is about
    InMemoryHypervisor hypervisor = new InMemoryHypervisor();
    GoldenBuilder builder =
        new GoldenBuilder(
            hypervisor,
            new Qcow2Backend(images, runner, Clock.systemUTC()),
            runner,
            AptSources.ofHost(),
            tmp.resolve("cache"),
            images,
            stacks,
            Optional.of(suite));
    GoldenRequest request = GoldenRequest.defaults("qemu").withBundle(bundle);
    PlanEngine engine =
        new PlanEngine(
            2, Optional.empty(), ProgressListener.NONE, new CancellationToken(), Clock.systemUTC());
    long begin = System.nanoTime();
    PlanResult result = engine.run(builder.plan(request), false);
    Duration took = Duration.ofNanos(System.nanoTime() - begin);
    reporter.publishEntry("golden with Kubernetes, cold", took.toSeconds() + " s");
    assertThat(result.outcomes())
        .as(result.outcomes().toString())
        .allMatch(o -> o.status() == StepStatus.APPLIED);
    assertThat(result.outcomes())
        .extracting(StepOutcome::stepId)
        .contains("golden/kubernetes", "golden/stack");

    String uuid = hypervisor.domain(request.name().value()).orElseThrow().uuid();
    String sha = GoldenStack.sha256(bundle.resolve("k8s-stack.lock.yaml"));
    assertThat(stacks.carried(request.name().value())).contains(new GoldenStack.Carried(sha, uuid));

    // the recipe with the bundle's stack names its cache
    Path raw =
        tmp.resolve("cache")
            .resolve("rootfs-" + GoldenRecipe.standard().kubernetes(sha, false).hash())
            .resolve("rootfs.raw");
    assertThat(raw).isRegularFile();
    String status = cat(raw, "/var/lib/dpkg/status");
    for (String pkg : List.of("kubelet", "kubeadm", "kubectl")) {
      assertThat(status)
          .contains("Package: " + pkg + "\nStatus: hold ok installed")
          .containsPattern(
              "Package: " + pkg + "\n(?:.+\n)*?Version: " + VERSION.replace(".", "\\."));
    }
    assertThat(status).as("containerd from Debian").contains("Package: containerd\n");
    assertThat(cat(raw, "/usr/local/bin/helm")).isEqualTo(HELM);
    assertThat(stat(raw, "/usr/local/bin/kube-setup")).contains("Type: symlink");
    assertThat(cat(raw, "/etc/modules-load.d/kldload-k8s.conf")).contains("br_netfilter");
    assertThat(cat(raw, "/etc/sysctl.d/99-kldload-k8s.conf")).contains("net.ipv4.ip_forward = 1");
    assertThat(stat(raw, "/etc/systemd/system/multi-user.target.wants/kubelet.service"))
        .contains("Type: symlink");
    assertThat(cat(raw, "/root/darksite/k8s-images/pause.tar")).isEqualTo(new String(PAUSE));
    assertThat(cat(raw, "/root/darksite/k8s-stack.lock.yaml"))
        .isEqualTo(Files.readString(bundle.resolve("k8s-stack.lock.yaml")));
    assertThat(cat(raw, "/var/lib/kldload/golden-stack-lock")).isEqualTo(sha + "\n");
    assertThat(debugfs(raw, "ls /run").stdout()).doesNotContain("kldload");

    begin = System.nanoTime();
    PlanResult again = engine.run(builder.plan(request), false);
    reporter.publishEntry(
        "golden with Kubernetes, second run",
        Duration.ofNanos(System.nanoTime() - begin).toMillis() + " ms");
    assertThat(again.outcomes()).allMatch(o -> o.status() == StepStatus.ALREADY_DONE);
  }

  private ProcessResult debugfs(Path raw, String request) {
    return runner.run(ProcessSpec.of("debugfs", "-R", request, raw.toString()).readOnly().build());
  }

  private String cat(Path raw, String file) {
    ProcessResult r = debugfs(raw, "cat " + file);
    // debugfs answers 0 even for a file that is not there; it says so on stderr
    assertThat(r.stderr()).as(file).doesNotContain("not found");
    return r.stdout();
  }

  private String stat(Path raw, String file) {
    ProcessResult r = debugfs(raw, "stat " + file);
    assertThat(r.stderr()).as(file).doesNotContain("File not found");
    return r.stdout();
  }

  /** The stand-in bundle: three packages, a tool, an image archive, and their lock. */
  private Path bundle() throws Exception {
    Path bundle = Files.createDirectories(tmp.resolve("bundle"));
    StringBuilder lock = new StringBuilder("kubernetes: v1.32.3\npackages:\n");
    for (String pkg : List.of("kubelet", "kubeadm", "kubectl")) {
      Path deb = standInDeb(bundle, pkg);
      lock.append(
          "  - {name: %s, version: %s, file: %s, sha256: %s}\n"
              .formatted(pkg, VERSION, bundle.relativize(deb), GoldenStack.sha256(deb)));
    }
    Path toolDir = Files.createDirectories(tmp.resolve("helm/linux-amd64"));
    Files.writeString(toolDir.resolve("helm"), HELM);
    Files.setPosixFilePermissions(
        toolDir.resolve("helm"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path tools = Files.createDirectories(bundle.resolve("tools"));
    runner.check(
        ProcessSpec.of(
                "tar",
                "-czf",
                tools.resolve("helm.tar.gz").toString(),
                "-C",
                tmp.resolve("helm").toString(),
                "linux-amd64/helm")
            .build());
    lock.append(
        "tools:\n  - {name: helm, version: v3.17.0, file: tools/helm.tar.gz, sha256: %s, binary: linux-amd64/helm}\n"
            .formatted(GoldenStack.sha256(tools.resolve("helm.tar.gz"))));
    Path image = Files.createDirectories(bundle.resolve("k8s-images")).resolve("pause.tar");
    Files.write(image, PAUSE);
    lock.append(
        ("images:\n  - {ref: registry.k8s.io/pause:3.10, source: registry.k8s.io/pause:3.10,"
                + " digest: sha256:%s, file: k8s-images/pause.tar, sha256: %s}\n")
            .formatted("d".repeat(64), GoldenStack.sha256(image)));
    Files.writeString(bundle.resolve("k8s-stack.lock.yaml"), lock.toString());
    return bundle;
  }

  /** A package that installs a program answering like the real one, and kubelet its unit. */
  private Path standInDeb(Path bundle, String pkg) throws Exception {
    Path tree = tmp.resolve("deb-" + pkg);
    Files.createDirectories(tree.resolve("DEBIAN"));
    Files.writeString(
        tree.resolve("DEBIAN/control"),
        "Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: kldload tests <tests@example.test>\nDescription: stand-in %s for tests\n"
            .formatted(pkg, VERSION, pkg));
    Path bin = Files.createDirectories(tree.resolve("usr/bin")).resolve(pkg);
    Files.writeString(bin, "#!/bin/sh\necho '" + pkg + " v1.32.3 (stand-in)'\n");
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    if (pkg.equals("kubelet")) {
      Path unit = Files.createDirectories(tree.resolve("lib/systemd/system"));
      Files.writeString(
          unit.resolve("kubelet.service"),
          "[Unit]\nDescription=stand-in kubelet\n\n[Service]\nExecStart=/usr/bin/kubelet\n\n"
              + "[Install]\nWantedBy=multi-user.target\n");
    }
    Path deb = Files.createDirectories(bundle.resolve("debs")).resolve(pkg + ".deb");
    runner.check(
        ProcessSpec.of("dpkg-deb", "--root-owner-group", "--build", tree.toString(), deb.toString())
            .build());
    return deb;
  }

  /**
   * The suite as a runtime directory: the real launcher as {@code bin/kldload}, with this test's
   * class path written in, and {@code bin/kube-setup} linked to it; the class path's jars as {@code
   * lib/} (directories made jars) in {@code lib/classpath}, and {@code jre} the golden's own Java
   * (its recipe installs it).
   */
  private Path suite() throws IOException {
    Path suite = tmp.resolve("suite");
    Path lib = Files.createDirectories(suite.resolve("lib"));
    Path bin = Files.createDirectories(suite.resolve("bin"));
    List<String> names = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path from = Path.of(entry);
      if (Files.isDirectory(from)) {
        String name = "classes-" + n++ + ".jar";
        jar(from, lib.resolve(name));
        names.add(name);
      } else if (Files.isRegularFile(from) && !names.contains(from.getFileName().toString())) {
        Files.copy(from, lib.resolve(from.getFileName().toString()));
        names.add(from.getFileName().toString());
      }
    }
    Files.write(lib.resolve("classpath"), names);
    // the class path written into the launcher, as packaging/build-runtime does
    Path launcher = Path.of(System.getProperty("user.dir")).resolveSibling("packaging/launcher");
    List<String> jars = new ArrayList<>();
    for (String name : names) {
      jars.add("$home/lib/" + name);
    }
    Files.writeString(
        bin.resolve("kldload"),
        Files.readString(launcher).replace("@CLASSPATH@", String.join(":", jars)));
    Files.setPosixFilePermissions(
        bin.resolve("kldload"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(bin.resolve("kube-setup"), Path.of("kldload"));
    Files.createSymbolicLink(suite.resolve("jre"), Path.of("/usr/lib/jvm/java-17-openjdk-amd64"));
    return suite;
  }

  private static void jar(Path dir, Path jar) throws IOException {
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out);
        Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        jarOut.putNextEntry(new JarEntry(dir.relativize(file).toString()));
        Files.copy(file, jarOut);
        jarOut.closeEntry();
      }
    }
  }
}
