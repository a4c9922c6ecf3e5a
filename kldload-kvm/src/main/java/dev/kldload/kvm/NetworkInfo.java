package dev.kldload.kvm;

import java.util.Optional;

/** A libvirt virtual network. */
public record NetworkInfo(String name, boolean active, Optional<String> bridge) {}
