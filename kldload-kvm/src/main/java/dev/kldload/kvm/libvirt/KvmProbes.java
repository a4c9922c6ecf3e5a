package dev.kldload.kvm.libvirt;

import static dev.kldload.kvm.libvirt.LibvirtException.check;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;
import dev.kldload.core.probe.ExecutableProbe;
import dev.kldload.core.probe.Probe;
import dev.kldload.core.probe.ProbeResult;
import dev.kldload.kvm.libvirt.jna.Libvirt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Doctor probes for the virtualisation engines. They live in the adapter package because the
 * libvirt probe loads the native library and connects the way the adapter does.
 */
public final class KvmProbes {
  private KvmProbes() {}

  /**
   * @param libvirtUri the configured connection URI
   * @param virt the hardware-virtualisation probe, built with the host's runner
   */
  public static List<Probe> all(String libvirtUri, VirtProbe virt) {
    return List.of(
        new LibvirtProbe(libvirtUri),
        new DevKvmProbe(),
        new HardwareVirtProbe(virt),
        new ExecutableProbe("qemu-img", List.of("qemu-img"), "qcow2 overlays and images", true),
        new ExecutableProbe(
            "iso-builder", List.of("xorriso", "genisoimage"), "cloud-init seed ISOs", true));
  }

  /** The library (loaded as the adapter loads it) and a read-only connection to the URI. */
  static final class LibvirtProbe implements Probe {
    private final String uri;

    LibvirtProbe(String uri) {
      this.uri = uri;
    }

    @Override
    public String name() {
      return "libvirt";
    }

    @Override
    public String purpose() {
      return "define, start and clone VMs (" + uri + ")";
    }

    @Override
    public boolean requiredForBootstrap() {
      return true;
    }

    @Override
    public ProbeResult probe() {
      try {
        NativeLibrary.getInstance(Libvirt.SONAME);
      } catch (UnsatisfiedLinkError e) {
        return ProbeResult.missing(this, "libvirt.so cannot be loaded", "apt-get install libvirt0");
      }
      Pointer connect = null;
      try {
        Libvirt.virSetErrorFunc(null, null);
        connect = check(Libvirt.virConnectOpenAuth(uri, null, Libvirt.CONNECT_RO));
        String type = check(Libvirt.virConnectGetType(connect));
        NativeLongByReference version = new NativeLongByReference();
        check(Libvirt.virConnectGetLibVersion(connect, version));
        return ProbeResult.ok(
            this, "connected to " + uri + " (" + type + " " + version.getValue() + ")");
      } catch (LibvirtException | RuntimeException | LinkageError e) {
        // LinkageError: a libvirt.so without a function the binding registers
        return ProbeResult.missing(
            this,
            "cannot connect to " + uri + ": " + firstLine(e.getMessage()),
            "apt-get install libvirt-daemon-system qemu-system-x86, or set --connect / LIBVIRT_DEFAULT_URI");
      } finally {
        if (connect != null) {
          // read-only probe connection: a failed close leaves nothing to clean up
          Libvirt.virConnectClose(connect);
        }
      }
    }
  }

  static String firstLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse("");
  }

  /** Hardware acceleration; without it guests run under QEMU's emulation (slow but correct). */
  static final class DevKvmProbe implements Probe {
    @Override
    public String name() {
      return "/dev/kvm";
    }

    @Override
    public String purpose() {
      return "hardware-accelerated guests";
    }

    @Override
    public boolean requiredForBootstrap() {
      return false;
    }

    @Override
    public ProbeResult probe() {
      Path dev = Path.of("/dev/kvm");
      if (!Files.exists(dev)) {
        return ProbeResult.warn(
            this,
            "absent: guests would run under software emulation",
            "enable VT-x/AMD-V in firmware");
      }
      if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
        return ProbeResult.warn(
            this, "present but not accessible", "run as root or join group kvm");
      }
      return ProbeResult.ok(this, "present and accessible");
    }
  }

  /**
   * Whether {@code -accel kvm} really runs guests ({@link VirtProbe}); {@code /dev/kvm} alone can
   * be there on hosts whose guests never boot.
   */
  static final class HardwareVirtProbe implements Probe {
    private final VirtProbe virt;

    HardwareVirtProbe(VirtProbe virt) {
      this.virt = virt;
    }

    @Override
    public String name() {
      return "hardware virtualisation";
    }

    @Override
    public String purpose() {
      return "guests at native speed (boots a kernel under -accel kvm, up to "
          + virt.deadline().toSeconds()
          + " s)";
    }

    @Override
    public boolean requiredForBootstrap() {
      return false;
    }

    @Override
    public ProbeResult probe() {
      return result(this, virt.probe());
    }

    static ProbeResult result(Probe probe, VirtProbe.Result r) {
      return switch (r.accel()) {
        case KVM -> ProbeResult.ok(probe, "usable: " + r.reason());
        case QEMU ->
            ProbeResult.warn(
                probe,
                r.reason().endsWith("(guests hang)")
                    ? "not usable (guests hang), domains will use qemu"
                    : "not usable (" + r.reason() + "), domains will use qemu",
                "set kvm.virt-type to qemu: guests run under emulation, slower but they boot");
        case UNKNOWN ->
            ProbeResult.warn(
                probe,
                "not checked: " + r.reason(),
                "install qemu-system-x86 and a kernel in /boot, or give one in"
                    + " KLDLOAD_VIRT_PROBE_KERNEL");
      };
    }
  }
}
