package dev.kldload.kvm;

/** The fake against the same contract as libvirt. */
class InMemoryHypervisorTest extends HypervisorContract {
  @Override
  protected Hypervisor open() {
    return new InMemoryHypervisor();
  }
}
