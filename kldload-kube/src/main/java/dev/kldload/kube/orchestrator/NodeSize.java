package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.ByteSize;

/** Memory and virtual CPUs of one node. */
public record NodeSize(ByteSize memory, int cpus) {
  public NodeSize {
    if (cpus < 1 || cpus > 512) {
      throw KldloadException.invalid(
          "a node needs 1 to 512 virtual CPUs, not " + cpus, "give --cpus 1 or more");
    }
    if (memory.megabytes() < 512) {
      throw KldloadException.invalid(
          "a Kubernetes node needs at least 512 MB of memory, not " + memory.human(),
          "give --ram 2048 or more");
    }
  }

  @Override
  public String toString() {
    return memory.megabytes() + " MB / " + cpus + " vCPU";
  }
}
