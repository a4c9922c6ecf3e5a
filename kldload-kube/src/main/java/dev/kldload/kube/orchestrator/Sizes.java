package dev.kldload.kube.orchestrator;

import dev.kldload.core.value.ByteSize;

/** Sizes as the original's flags read them: a plain number is MB for memory and GB for disks. */
final class Sizes {
  private Sizes() {}

  static ByteSize memory(String text) {
    return ByteSize.parse(text);
  }

  static ByteSize disk(String text) {
    return text.strip().matches("\\d{1,9}")
        ? ByteSize.ofGigabytes(Long.parseLong(text.strip()))
        : ByteSize.parse(text);
  }
}
