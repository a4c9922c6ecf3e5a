package dev.kldload.kvm;

/**
 * Whether guests run with hardware virtualisation on this host, as a probe guest found, and why not
 * when they do not: domains are then of type {@code qemu} (software emulation).
 */
public record Virtualisation(boolean hardware, String reason) {}
