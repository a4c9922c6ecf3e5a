package dev.kldload.net;

import dev.kldload.core.value.Cidr;
import java.util.Optional;

/** One entry of the host's routing table, as {@code ip -j route} reports it. */
public record Route(Cidr destination, Optional<String> device, Optional<String> gateway) {
  public boolean isDefault() {
    return destination.prefixLength() == 0;
  }
}
