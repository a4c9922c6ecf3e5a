package dev.kldload.kube.orchestrator;

import dev.kldload.core.value.ByteSize;

/** Sizes as the original's flags read them: a plain number is MB for memory and GB for disks. */
public final class Sizes {
  private Sizes() {}

  public static ByteSize memory(String text) {
    return ByteSize.parse(text);
  }

  public static ByteSize disk(String text) {
    return text.strip().matches("\\d{1,9}")
        ? ByteSize.ofGigabytes(Long.parseLong(text.strip()))
        : ByteSize.parse(text);
  }
}
