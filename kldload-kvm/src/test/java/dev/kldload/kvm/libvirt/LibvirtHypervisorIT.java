package dev.kldload.kvm.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.NativeLibrary;
import dev.kldload.core.testing.Requirements;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.HypervisorContract;
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
}
