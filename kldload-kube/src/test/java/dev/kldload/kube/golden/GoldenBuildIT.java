package dev.kldload.kube.golden;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.NativeLibrary;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.ProgressListener;
import dev.kldload.core.plan.StepOutcome;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.VmName;
import dev.kldload.kube.orchestrator.GoldenStack;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.Qcow2Backend;
import dev.kldload.kvm.libvirt.LibvirtHypervisor;
import dev.kldload.kvm.xml.DomainDefinition;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real golden from the host's own apt sources: debootstrap, the packages, the seal, the ext4
 * image, on the qcow2 backend with libvirt's test driver. Needs root, debootstrap, mkfs.ext4,
 * debugfs, qemu-img, libvirt0 and the host's Debian archive (a few minutes: measured and reported
 * as cold and warm times).
 */
class GoldenBuildIT {
  @TempDir Path tmp;

  private static void requireTools() {
    Requirements.require(Requirements.isRoot(), "root (debootstrap, chroot, mount)");
    for (String tool : List.of("debootstrap", "mkfs.ext4", "debugfs", "qemu-img", "chroot")) {
      Requirements.require(
          Requirements.onPath(tool) || Requirements.onPath("/usr/sbin/" + tool),
          tool + " is not installed");
    }
    boolean libvirt;
    try {
      NativeLibrary.getInstance("virt");
      libvirt = true;
    } catch (UnsatisfiedLinkError e) {
      libvirt = false;
    }
    Requirements.require(libvirt, "libvirt0 is not installed (apt-get install libvirt0)");
  }

  private static Map<String, StepStatus> statuses(PlanResult result) {
    return result.outcomes().stream()
        .collect(Collectors.toMap(StepOutcome::stepId, StepOutcome::status));
  }

  @Test
  @DisplayName(
      "a golden built from Debian packages: sealed root fs, one disk, one NIC, direct boot, @golden")
  void buildsGolden(TestReporter reporter) throws Exception {
    requireTools();
    ProcessRunner runner = new SystemProcessRunner();
    Path images = tmp.resolve("images");
    try (LibvirtHypervisor hypervisor = new LibvirtHypervisor("test:///default")) {
      Qcow2Backend disks = new Qcow2Backend(images, runner, Clock.systemUTC());
      GoldenBuilder builder =
          new GoldenBuilder(
              hypervisor,
              disks,
              runner,
              AptSources.ofHost(),
              tmp.resolve("cache"),
              images,
              new GoldenStack(tmp.resolve("state")),
              Optional.empty());
      PlanEngine engine =
          new PlanEngine(
              2,
              Optional.empty(),
              ProgressListener.NONE,
              new CancellationToken(),
              Clock.systemUTC());
      GoldenRequest request = GoldenRequest.defaults("qemu");

      long t0 = System.nanoTime();
      PlanResult cold = engine.run(builder.plan(request), false);
      Duration coldTime = Duration.ofNanos(System.nanoTime() - t0);
      cold.throwIfFailed();
      reporter.publishEntry("cold build", coldTime.toSeconds() + " s");
      cold.outcomes()
          .forEach(
              o ->
                  System.err.println(
                      "GoldenBuildIT: " + o.stepId() + " " + o.elapsed().toMillis() + " ms"));
      System.err.println("GoldenBuildIT: cold build " + coldTime.toMillis() + " ms");

      VmDomain domain = hypervisor.domain("k8s-golden").orElseThrow();
      assertThat(domain.state().active()).as("a golden is never started").isFalse();
      DomainDefinition def = DomainDefinition.parse(domain.xml());
      assertThat(def.dataDisks()).hasSize(1);
      assertThat(def.nics()).isEqualTo(1);
      assertThat(def.nvram()).isEmpty();
      assertThat(domain.xml())
          .contains("<kernel>" + builder.kernel(request.name()) + "</kernel>")
          .contains("<cmdline>root=/dev/vda console=ttyS0</cmdline>");
      assertThat(builder.kernel(request.name())).isNotEmptyFile();
      assertThat(builder.initrd(request.name())).isNotEmptyFile();
      assertThat(disks.findSnapshot(request.name(), "golden")).isPresent();

      // the golden's own frozen disk, as the guest will see it
      Path raw = tmp.resolve("golden.raw");
      runner.check(
          "qemu-img",
          "convert",
          "-O",
          "raw",
          disks.findSnapshot(request.name(), "golden").orElseThrow().id(),
          raw.toString());
      for (String file :
          List.of("/usr/bin/wg", "/usr/sbin/nft", "/usr/bin/cloud-init", "/usr/sbin/sshd")) {
        assertThat(debugfs(runner, raw, "stat " + file)).as(file).contains("Type: regular");
      }
      assertThat(debugfs(runner, raw, "stat /etc/machine-id")).contains("Size: 0");
      assertThat(debugfs(runner, raw, "ls /etc/ssh")).doesNotContain("ssh_host_");
      assertThat(debugfs(runner, raw, "cat /etc/cloud/cloud.cfg.d/90-kldload.cfg"))
          .contains("datasource_list: [ NoCloud ]");
      assertThat(debugfs(runner, raw, "stat /etc/resolv.conf")).contains("Type: symlink");
      assertThat(debugfs(runner, raw, "stat /etc/hostname")).contains("Size: 0");
      // cloud-init never ran: no instance directory
      assertThat(
              runner
                  .run(
                      List.of("debugfs", "-R", "stat /var/lib/cloud/instance", raw.toString()),
                      Duration.ofSeconds(60))
                  .stderr())
          .contains("not found");

      // warm: a second golden from the cached root file system
      long t1 = System.nanoTime();
      PlanResult warm =
          engine.run(builder.plan(request.withName(VmName.of("k8s-golden-warm"))), false);
      Duration warmTime = Duration.ofNanos(System.nanoTime() - t1);
      warm.throwIfFailed();
      assertThat(statuses(warm)).containsEntry("golden/debootstrap", StepStatus.ALREADY_DONE);
      reporter.publishEntry("warm build", warmTime.toMillis() + " ms");
      System.err.println("GoldenBuildIT: warm build " + warmTime.toMillis() + " ms");

      assertThat(statuses(engine.run(builder.plan(request), false)).values())
          .containsOnly(StepStatus.ALREADY_DONE);
    }
  }

  /** debugfs's answer to one request on the image (read-only; it prints misses on stderr). */
  private static String debugfs(ProcessRunner runner, Path image, String request) {
    ProcessResult r =
        runner.run(List.of("debugfs", "-R", request, image.toString()), Duration.ofSeconds(60));
    assertThat(r.stderr()).as(request).doesNotContain("not found");
    return r.stdout();
  }
}
