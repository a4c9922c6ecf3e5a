package dev.kldload.kvm;

/** One address of a guest interface, from the DHCP lease table or the guest agent. */
public record GuestAddress(String interfaceName, String mac, String address, int prefix) {}
