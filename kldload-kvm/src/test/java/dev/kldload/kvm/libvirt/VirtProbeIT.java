package dev.kldload.kvm.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.process.Programs;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The real probe on this machine: QEMU with {@code -accel kvm} and a real kernel (the host's from
 * /boot, else the one {@code KLDLOAD_VIRT_PROBE_KERNEL} names, else the lab VM's that {@code
 * ./test} passes in {@code KLDLOAD_LABVM_IMAGE}). On a nested PVM host the answer is qemu after the
 * deadline; on a real KVM host kvm within about a second.
 */
class VirtProbeIT {
  @Test
  @DisplayName("the real probe decides kvm or qemu and finishes within its deadline plus a margin")
  void realProbe(TestReporter report) {
    Requirements.require(Files.exists(Path.of("/dev/kvm")), "needs /dev/kvm");
    Requirements.require(
        Programs.which("qemu-system-x86_64").isPresent(), "needs qemu-system-x86_64");
    // CI machines may have no kernel in /boot (containers): ./test's lab image has one
    Optional<Path> given =
        Optional.ofNullable(System.getenv("KLDLOAD_VIRT_PROBE_KERNEL"))
            .or(
                () ->
                    Optional.ofNullable(System.getenv("KLDLOAD_LABVM_IMAGE"))
                        .map(d -> d + "/vmlinuz"))
            .map(Path::of)
            .filter(Files::isReadable);
    Duration deadline = Duration.ofSeconds(10);
    VirtProbe probe =
        new VirtProbe(
            new SystemProcessRunner(),
            Path.of("/dev/kvm"),
            Programs::which,
            given,
            Path.of("/boot"),
            System.getProperty("os.version"),
            deadline);
    Requirements.require(
        probe.kernel().isPresent(),
        "needs a kernel in /boot, KLDLOAD_VIRT_PROBE_KERNEL or KLDLOAD_LABVM_IMAGE");
    long start = System.nanoTime();
    VirtProbe.Result r = probe.probe();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    report.publishEntry("virt probe", r + " (wall " + took.toMillis() + " ms)");
    assertThat(r.accel()).isIn(VirtProbe.Accel.KVM, VirtProbe.Accel.QEMU);
    assertThat(took).isLessThan(deadline.plusSeconds(8));
    if (r.accel() == VirtProbe.Accel.KVM) {
      assertThat(r.reason()).startsWith("booted ");
    } else {
      assertThat(r.reason()).isNotBlank();
    }
  }
}
