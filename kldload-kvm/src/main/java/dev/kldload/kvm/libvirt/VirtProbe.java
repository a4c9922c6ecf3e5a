package dev.kldload.kvm.libvirt;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Whether hardware virtualisation really runs guests: {@code /dev/kvm} can exist and accept {@code
 * -accel kvm} while guests never get past the kernel decompressor (nested PVM hosts). The probe
 * boots the host's own kernel under {@code qemu-system-x86_64 -accel kvm} with the serial console
 * in a file, for a short deadline; "Linux version" on the console means the guest ran. Without a
 * root filesystem the kernel panics, and {@code panic=-1 -no-reboot} ends QEMU at once, so a
 * working host answers in about a second and a hanging one costs the deadline.
 */
public final class VirtProbe {
  /** Printed by every Linux kernel as its first console line. */
  static final String BANNER = "Linux version";

  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(20);

  /** What guests will run on. */
  public enum Accel {
    /** Hardware virtualisation works: a kernel booted under {@code -accel kvm}. */
    KVM,
    /** {@code -accel kvm} does not run guests; domains must use QEMU's emulation. */
    QEMU,
    /** The probe could not run (no kernel to boot, no QEMU, no {@code /dev/kvm}). */
    UNKNOWN
  }

  /** The decision, why, and how long the probe took. */
  public record Result(Accel accel, String reason, Duration elapsed) {}

  private final ProcessRunner runner;
  private final Path devKvm;
  private final Function<String, Optional<Path>> which;
  private final Optional<Path> kernel;
  private final Path bootDir;
  private final String release;
  private final Duration deadline;

  /**
   * @param which finds a program on PATH ({@code Programs::which} on a host)
   * @param kernel the kernel to boot; empty: {@code bootDir/vmlinuz-<release>}, else the newest
   *     {@code bootDir/vmlinuz-*}
   * @param release the running kernel's release ({@code uname -r})
   */
  public VirtProbe(
      ProcessRunner runner,
      Path devKvm,
      Function<String, Optional<Path>> which,
      Optional<Path> kernel,
      Path bootDir,
      String release,
      Duration deadline) {
    this.runner = runner;
    this.devKvm = devKvm;
    this.which = which;
    this.kernel = kernel;
    this.bootDir = bootDir;
    this.release = release;
    this.deadline = deadline;
  }

  public Duration deadline() {
    return deadline;
  }

  /** The kernel this probe would boot. */
  Optional<Path> kernel() {
    if (kernel.isPresent()) {
      return kernel.filter(Files::isReadable);
    }
    Path own = bootDir.resolve("vmlinuz-" + release);
    if (Files.isReadable(own)) {
      return Optional.of(own);
    }
    try (Stream<Path> files = Files.list(bootDir)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("vmlinuz-"))
          .filter(Files::isReadable)
          .max(Comparator.comparing(VirtProbe::modified));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  /** The QEMU command line: no devices but the serial console, into {@code console}. */
  static List<String> argv(Path qemu, Path kernel, Path console) {
    return List.of(
        qemu.toString(),
        "-accel",
        "kvm",
        "-nodefaults",
        "-nographic",
        "-serial",
        "file:" + console,
        "-kernel",
        kernel.toString(),
        "-append",
        "console=ttyS0 panic=-1",
        "-no-reboot",
        "-m",
        "128");
  }

  /** Whether the console shows a kernel that started. */
  static boolean booted(String console) {
    return console.contains(BANNER);
  }

  public Result probe() {
    long start = System.nanoTime();
    if (!Files.exists(devKvm)) {
      return new Result(Accel.UNKNOWN, devKvm + " does not exist", Duration.ZERO);
    }
    Optional<Path> qemu = which.apply("qemu-system-x86_64");
    if (qemu.isEmpty()) {
      return new Result(Accel.UNKNOWN, "qemu-system-x86_64 is not installed", Duration.ZERO);
    }
    Optional<Path> image = kernel();
    if (image.isEmpty()) {
      return new Result(
          Accel.UNKNOWN,
          kernel
              .map(k -> "kernel " + k + " is not readable")
              .orElse("no readable kernel in " + bootDir + " to boot"),
          Duration.ZERO);
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("kldload-virt-probe");
    } catch (IOException e) {
      return new Result(Accel.UNKNOWN, "cannot make a scratch directory: " + e, Duration.ZERO);
    }
    Path console = dir.resolve("console.log");
    try {
      ProcessSpec spec =
          ProcessSpec.of(argv(qemu.get(), image.get(), console))
              .timeout(deadline)
              .readOnly()
              .build();
      Optional<ProcessResult> finished;
      try {
        finished = Optional.of(runner.run(spec));
      } catch (KldloadException e) {
        if (e.kind() != ErrorKind.TIMEOUT) {
          throw e;
        }
        finished = Optional.empty();
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      return decide(image.get(), read(console), finished, elapsed);
    } finally {
      try {
        Files.deleteIfExists(console);
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // a scratch file in the temporary directory; the system cleans it
      }
    }
  }

  /** The verdict from the console and how QEMU ended (empty: killed at the deadline). */
  Result decide(Path image, String console, Optional<ProcessResult> finished, Duration elapsed) {
    if (booted(console)) {
      return new Result(
          Accel.KVM,
          "booted " + image.getFileName() + " under -accel kvm in " + seconds(elapsed),
          elapsed);
    }
    if (finished.isEmpty()) {
      return new Result(
          Accel.QEMU,
          "a kernel under -accel kvm printed nothing within "
              + deadline.toSeconds()
              + " s (guests hang)",
          elapsed);
    }
    ProcessResult r = finished.get();
    String why = r.errorTail();
    return new Result(
        Accel.QEMU,
        "qemu -accel kvm exited "
            + r.exitCode()
            + " without booting"
            + (why.isEmpty() ? "" : ": " + why),
        elapsed);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static String read(Path console) {
    try {
      return Files.readString(console, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }
}
