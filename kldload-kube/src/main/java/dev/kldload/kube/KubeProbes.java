package dev.kldload.kube;

import dev.kldload.core.probe.ExecutableProbe;
import dev.kldload.core.probe.Probe;
import java.util.List;

/** Doctor probes for cluster access from the host. */
public final class KubeProbes {
  private KubeProbes() {}

  public static List<Probe> all() {
    return List.of(
        new ExecutableProbe("ssh-keygen", List.of("ssh-keygen"), "node SSH host keys", true),
        new ExecutableProbe("kubectl", List.of("kubectl"), "cluster access from the host", false));
  }
}
