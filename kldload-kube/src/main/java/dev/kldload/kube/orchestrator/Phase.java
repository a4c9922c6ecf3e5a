package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The phases of {@code kube-cluster bootstrap}, in order; {@code --until PHASE} stops after one.
 * The Kubernetes phases follow {@link #MESH} and need the offline bundle.
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
  MESH;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
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

  public boolean includes(Phase other) {
    return other.ordinal() <= ordinal();
  }
}
