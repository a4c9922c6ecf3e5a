package dev.kldload.kvm.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.NativeLibrary;
import dev.kldload.core.testing.Requirements;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.HypervisorContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The libvirt adapter against libvirt's in-process test driver. */
class LibvirtHypervisorIT extends HypervisorContract {
  static void requireLibvirt() {
    boolean loads;
    try {
      NativeLibrary.getInstance("virt");
      loads = true;
    } catch (UnsatisfiedLinkError e) {
      loads = false;
    }
    Requirements.require(loads, "libvirt0 is not installed (apt-get install libvirt0)");
  }

  @Override
  protected Hypervisor open() {
    requireLibvirt();
    return new LibvirtHypervisor("test:///default");
  }

  @Test
  @DisplayName("the test driver's own domain is listed with its state")
  void builtinDomain() {
    assertThat(hypervisor.domain("test")).isPresent();
  }

  /** Runs after each contract test, before the contract's teardown closes the connection. */
  @AfterEach
  void everyHandleFreed() {
    LibvirtHypervisor libvirt = (LibvirtHypervisor) hypervisor;
    assertThat(libvirt.handlesFreed())
        .as("handles freed of those looked up")
        .isEqualTo(libvirt.handlesKept());
  }

  @Test
  @DisplayName("polling domains, snapshots and networks frees every handle it looks up")
  void pollingFreesHandles() {
    String vm = name("poll");
    hypervisor.define(xml(vm, 1));
    hypervisor.createSnapshot(vm, "s1", "");
    LibvirtHypervisor libvirt = (LibvirtHypervisor) hypervisor;
    long before = libvirt.handlesKept();
    int domains = hypervisor.domains().size();
    for (int i = 0; i < 50; i++) {
      hypervisor.domains();
      hypervisor.domain(vm);
      hypervisor.snapshots(vm);
      hypervisor.networks();
    }
    // each round: every domain twice (all, and those with saved state: none here), the domain,
    // the domain and its snapshot, every network
    assertThat(libvirt.handlesKept() - before).isGreaterThanOrEqualTo(51L * domains + 50 * 3);
    assertThat(libvirt.handlesFreed()).isEqualTo(libvirt.handlesKept());
  }
}
