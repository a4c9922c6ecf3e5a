package dev.kldload.kvm.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.probe.ProbeResult;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtProbeTest {
  /** Plays QEMU: writes a console, then exits with a status or runs into the deadline. */
  static final class RecordingRunner implements ProcessRunner {
    final List<ProcessSpec> calls = new ArrayList<>();
    final String console;
    final Optional<Integer> exit;
    final String stderr;

    RecordingRunner(String console, Optional<Integer> exit, String stderr) {
      this.console = console;
      this.exit = exit;
      this.stderr = stderr;
    }

    @Override
    public ProcessResult run(ProcessSpec spec) {
      calls.add(spec);
      String serial = spec.argv().get(spec.argv().indexOf("-serial") + 1);
      assertThat(serial).startsWith("file:");
      try {
        Files.writeString(Path.of(serial.substring(5)), console);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (exit.isEmpty()) {
        throw new KldloadException(ErrorKind.TIMEOUT, spec.program() + " did not finish", null);
      }
      return new ProcessResult(spec, exit.get(), "", stderr, Duration.ofMillis(5));
    }
  }

  @TempDir Path tmp;
  Path devKvm;
  Path boot;
  Path qemu;

  @BeforeEach
  void setUp() throws IOException {
    devKvm = Files.createFile(tmp.resolve("kvm"));
    boot = Files.createDirectories(tmp.resolve("boot"));
    qemu = tmp.resolve("qemu-system-x86_64");
  }

  private VirtProbe probe(ProcessRunner runner, Optional<Path> kernel) {
    return new VirtProbe(
        runner,
        devKvm,
        p -> p.equals("qemu-system-x86_64") ? Optional.of(qemu) : Optional.empty(),
        kernel,
        boot,
        "6.1.0-test",
        Duration.ofSeconds(3));
  }

  private Path kernel(String release, long modifiedSeconds) throws IOException {
    Path k = Files.writeString(boot.resolve("vmlinuz-" + release), "kernel");
    Files.setLastModifiedTime(k, FileTime.fromMillis(modifiedSeconds * 1000));
    return k;
  }

  @Test
  @DisplayName("the console parse: only the kernel's banner counts as booted")
  void banner() {
    assertThat(VirtProbe.booted("[    0.000000] Linux version 6.1.0-27-amd64 (debian-kernel@..."))
        .isTrue();
    assertThat(VirtProbe.booted("Decompressing Linux... Parsing ELF... done.\nBooting the kernel."))
        .isFalse();
    assertThat(VirtProbe.booted("")).isFalse();
  }

  @Test
  @DisplayName(
      "a kernel that prints its banner means kvm; QEMU is run as the spec says, read-only, with the deadline")
  void kvm() throws IOException {
    Path k = kernel("6.1.0-test", 1);
    RecordingRunner runner =
        new RecordingRunner(
            "[    0.000000] Linux version 6.1.0-test\nKernel panic - not syncing: VFS",
            Optional.of(0),
            "");
    VirtProbe.Result r = probe(runner, Optional.empty()).probe();
    assertThat(r.accel()).isEqualTo(VirtProbe.Accel.KVM);
    assertThat(r.reason()).contains("vmlinuz-6.1.0-test");
    ProcessSpec spec = runner.calls.get(0);
    assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(spec.readOnly()).isTrue();
    assertThat(spec.argv())
        .startsWith(qemu.toString(), "-accel", "kvm", "-nodefaults", "-nographic", "-serial")
        .endsWith(
            "-kernel",
            k.toString(),
            "-append",
            "console=ttyS0 panic=-1",
            "-no-reboot",
            "-m",
            "128");
    Path console = Path.of(spec.argv().get(6).substring(5));
    assertThat(console).as("the scratch console is removed").doesNotExist();
  }

  @Test
  @DisplayName("a kernel that prints nothing until the deadline means qemu: guests hang")
  void hangs() throws IOException {
    kernel("6.1.0-test", 1);
    VirtProbe.Result r =
        probe(new RecordingRunner("", Optional.empty(), ""), Optional.empty()).probe();
    assertThat(r.accel()).isEqualTo(VirtProbe.Accel.QEMU);
    assertThat(r.reason()).endsWith("within 3 s (guests hang)");
    ProbeResult row =
        KvmProbes.HardwareVirtProbe.result(
            new KvmProbes.HardwareVirtProbe(probe(null, Optional.empty())), r);
    assertThat(row.status()).isEqualTo(ProbeResult.Status.WARN);
    assertThat(row.detail()).isEqualTo("not usable (guests hang), domains will use qemu");
  }

  @Test
  @DisplayName("QEMU refusing -accel kvm means qemu, with its error")
  void refused() throws IOException {
    kernel("6.1.0-test", 1);
    VirtProbe.Result r =
        probe(
                new RecordingRunner(
                    "",
                    Optional.of(1),
                    "qemu-system-x86_64: failed to initialize kvm: Permission denied"),
                Optional.empty())
            .probe();
    assertThat(r.accel()).isEqualTo(VirtProbe.Accel.QEMU);
    assertThat(r.reason()).contains("exited 1").contains("failed to initialize kvm");
  }

  @Test
  @DisplayName("without /dev/kvm, QEMU or a kernel the answer is unknown, and nothing runs")
  void unknown() throws IOException {
    RecordingRunner runner = new RecordingRunner("", Optional.of(0), "");
    VirtProbe.Result noKernel = probe(runner, Optional.empty()).probe();
    assertThat(noKernel.accel()).isEqualTo(VirtProbe.Accel.UNKNOWN);
    assertThat(noKernel.reason()).contains("no readable kernel in " + boot);
    assertThat(probe(runner, Optional.of(tmp.resolve("absent"))).probe().reason())
        .contains("is not readable");
    kernel("6.1.0-test", 1);
    VirtProbe noQemu =
        new VirtProbe(
            runner,
            devKvm,
            p -> Optional.empty(),
            Optional.empty(),
            boot,
            "x",
            Duration.ofSeconds(1));
    assertThat(noQemu.probe().reason()).contains("qemu-system-x86_64 is not installed");
    Files.delete(devKvm);
    assertThat(probe(runner, Optional.empty()).probe().accel()).isEqualTo(VirtProbe.Accel.UNKNOWN);
    assertThat(runner.calls).isEmpty();
    ProbeResult row =
        KvmProbes.HardwareVirtProbe.result(
            new KvmProbes.HardwareVirtProbe(probe(runner, Optional.empty())), noKernel);
    assertThat(row.status()).isEqualTo(ProbeResult.Status.WARN);
    assertThat(row.detail()).startsWith("not checked: no readable kernel");
  }

  @Test
  @DisplayName("the running kernel is preferred, else the newest in /boot, else the one given")
  void kernelChoice() throws IOException {
    Path old = kernel("5.10.0-old", 100);
    Path newest = kernel("6.12.0-new", 300);
    assertThat(probe(null, Optional.empty()).kernel()).contains(newest);
    Path own = kernel("6.1.0-test", 200);
    assertThat(probe(null, Optional.empty()).kernel()).contains(own);
    assertThat(probe(null, Optional.of(old)).kernel()).contains(old);
  }
}
