package dev.kldload.kube.cluster;

import dev.kldload.core.KldloadException;
import java.util.Optional;
import java.util.Set;

/** A node taint; the effect is one of Kubernetes' three. */
public record Taint(String key, Optional<String> value, String effect) {
  static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

  public Taint {
    if (key == null || key.isBlank()) {
      throw KldloadException.invalid("taint key is empty", "give a key such as dedicated");
    }
    if (!EFFECTS.contains(effect)) {
      throw KldloadException.invalid(
          "taint effect '" + effect + "' is not valid",
          "use NoSchedule, PreferNoSchedule or NoExecute");
    }
  }
}
