package dev.kldload.net;

import dev.kldload.core.probe.ExecutableProbe;
import dev.kldload.core.probe.Probe;
import dev.kldload.core.probe.ProbeResult;
import dev.kldload.core.process.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Doctor probes for the mesh and firewall engines. */
public final class NetProbes {
  private NetProbes() {}

  public static List<Probe> all() {
    return List.of(
        new ExecutableProbe("wg", List.of("wg"), "WireGuard configuration", true),
        new WireGuardDataPlaneProbe(),
        new ExecutableProbe("nft", List.of("nft"), "firewall in table inet kldload", true),
        new ExecutableProbe("ip", List.of("ip"), "interfaces and addresses", true));
  }

  /**
   * The kernel module when loaded or installable, else {@code wireguard-go} in user space. Looks at
   * {@code /sys/module} and the module tree only: creating a test interface would change the host.
   */
  static final class WireGuardDataPlaneProbe implements Probe {
    @Override
    public String name() {
      return "wireguard";
    }

    @Override
    public String purpose() {
      return "encrypted mesh data plane";
    }

    @Override
    public boolean requiredForBootstrap() {
      return true;
    }

    @Override
    public ProbeResult probe() {
      if (Files.isDirectory(Path.of("/sys/module/wireguard"))) {
        return ProbeResult.ok(this, "kernel module loaded");
      }
      String release = System.getProperty("os.version");
      Path modules = Path.of("/lib/modules", release, "modules.dep");
      try {
        if (Files.isRegularFile(modules) && Files.readString(modules).contains("/wireguard.ko")) {
          return ProbeResult.ok(this, "kernel module available (not loaded yet)");
        }
      } catch (IOException e) {
        // unreadable module index: fall through to the user-space implementation
      }
      return Programs.which("wireguard-go")
          .map(
              p ->
                  ProbeResult.warn(
                      this, "no kernel module; user space " + p, "slower than the kernel module"))
          .orElseGet(
              () ->
                  ProbeResult.missing(
                      this,
                      "no kernel module and no wireguard-go",
                      "apt-get install wireguard-go"));
    }
  }
}
