package dev.kldload.kvm;

import java.util.Objects;
import java.util.Optional;

/**
 * A libvirt virtual network: whether it runs, whether it starts with the host, its bridge device
 * and its persistent definition (for comparing settings without another lookup).
 */
public record NetworkInfo(
    String name, boolean active, boolean autostart, Optional<String> bridge, String xml) {
  public NetworkInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bridge, "bridge");
    Objects.requireNonNull(xml, "xml");
  }
}
