package dev.kldload.core.probe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Probes of the host itself: privileges and the generic tools. */
public final class CoreProbes {
  private CoreProbes() {}

  public static List<Probe> all() {
    return List.of(new RootProbe());
  }

  /** Mutating commands need root (ZFS ioctls, libvirt system URI, network namespaces). */
  static final class RootProbe implements Probe {
    @Override
    public String name() {
      return "root";
    }

    @Override
    public String purpose() {
      return "ZFS, libvirt system and network changes";
    }

    @Override
    public boolean requiredForBootstrap() {
      return true;
    }

    @Override
    public ProbeResult probe() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("Uid:")) {
            String effective = line.split("\\s+")[2];
            return "0".equals(effective)
                ? ProbeResult.ok(this, "running as uid 0")
                : ProbeResult.missing(
                    this, "running as uid " + effective, "run mutating commands as root (sudo)");
          }
        }
      } catch (Exception e) {
        return ProbeResult.missing(this, "cannot read /proc/self/status", "run on Linux");
      }
      return ProbeResult.missing(this, "no Uid line in /proc/self/status", "run on Linux");
    }
  }
}
