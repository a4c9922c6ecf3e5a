package dev.kldload.kvm;

import java.util.Objects;

/**
 * One defined domain as the hypervisor reports it: its name, libvirt's uuid, run state, maximum
 * memory, vCPUs and the persistent (inactive) definition XML, from which disks and our metadata are
 * read.
 */
public record VmDomain(
    String name, String uuid, DomainState state, long memoryKib, int vcpus, String xml) {
  public VmDomain {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(xml, "xml");
  }
}
