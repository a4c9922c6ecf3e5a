package dev.kldload.kvm;

import java.util.Objects;

/**
 * One defined domain as the hypervisor reports it: its name, libvirt's uuid, run state, maximum
 * memory, vCPUs, the persistent (inactive) definition XML, from which disks and our metadata are
 * read, and whether a saved memory image waits for its next start.
 */
public record VmDomain(
    String name,
    String uuid,
    DomainState state,
    long memoryKib,
    int vcpus,
    String xml,
    boolean savedState) {
  public VmDomain {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(xml, "xml");
  }

  /** The state as operators read it: a shut-off domain with saved memory is {@code saved}. */
  public String stateLabel() {
    return savedState && !state.active() ? "saved" : state.label();
  }
}
