package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The phases of {@code kube-cluster bootstrap}, in order; {@code --until PHASE} stops after one.
 * The Kubernetes phases follow {@link #MESH} and need the offline bundle and a golden that carries
 * its stack. The kubeconfig comes before the joins: the host watches each join through the API.
 */
public enum Phase {
  /** Host capacity, free space, the libvirt network, routes; nothing changed on refusal. */
  PREFLIGHT,
  /** The golden image the nodes are cloned from. */
  GOLDEN,
  /** Per node: disk, seed, address reservation, domain, start. */
  CLONES,
  /** Per node: its DHCP lease at the recorded address, then SSH with the pinned host key. */
  REACH,
  /** The host on both planes, the hosts block, handshakes with every node. */
  MESH,
  /** kube-init on the first control plane (with the VIP when there are several). */
  CONTROL_PLANE,
  /** The first control plane's admin.conf on the host, merged into ~/.kube/config as the name. */
  KUBECONFIG,
  /**
   * The other control planes one after another, the workers all at once, each with a fresh token.
   */
  JOIN,
  /** Every node Ready and the system pods running, within deadlines. */
  VERIFY,
  /** kube-smoke-test --cluster: the node checks on every node, the cluster checks once. */
  SMOKE;

  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Exit 2 naming the phases when {@code value} is none of them. */
  public static Phase parse(String value) {
    for (Phase phase : values()) {
      if (phase.id().equals(value)) {
        return phase;
      }
    }
    throw KldloadException.invalid(
        "--until " + value + " is not a phase of bootstrap",
        "give one of: " + Arrays.stream(values()).map(Phase::id).collect(Collectors.joining(", ")));
  }

  /** Whether this phase is one of the Kubernetes phases that need the bundle and its golden. */
  public boolean kubernetes() {
    return ordinal() > MESH.ordinal();
  }

  public boolean includes(Phase other) {
    return other.ordinal() <= ordinal();
  }
}
