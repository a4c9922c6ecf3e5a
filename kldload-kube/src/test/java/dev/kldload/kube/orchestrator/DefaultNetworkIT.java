package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.NativeLibrary;
import dev.kldload.core.ExitCode;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.testing.Requirements;
import dev.kldload.kvm.NetworkInfo;
import dev.kldload.kvm.libvirt.LibvirtHypervisor;
import dev.kldload.net.NetworkPlan;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The default network service on libvirt's in-process test driver. */
class DefaultNetworkIT {
  private static LibvirtHypervisor open() {
    boolean loads;
    try {
      NativeLibrary.getInstance("virt");
      loads = true;
    } catch (UnsatisfiedLinkError e) {
      loads = false;
    }
    Requirements.require(loads, "libvirt0 is not installed (apt-get install libvirt0)");
    return new LibvirtHypervisor("test:///default");
  }

  @Test
  @DisplayName(
      "the test driver's own default network matches the plan: nothing to define, no findings")
  void builtinDefault() {
    try (LibvirtHypervisor hv = open()) {
      DefaultNetwork network = new DefaultNetwork(hv, NetworkPlan.defaults());
      assertThat(network.check()).isEmpty();
      assertThat(DefaultNetworkTest.run(network).exitCode()).isEqualTo(ExitCode.OK);
      NetworkInfo info = hv.network("default").orElseThrow();
      assertThat(info.active()).isTrue();
      assertThat(info.autostart()).isTrue();
    }
  }

  @Test
  @DisplayName(
      "a missing network is defined, autostarted and started on libvirt; a re-run is all done")
  void definesMissing() {
    String id = UUID.randomUUID().toString().substring(0, 6);
    String name = "kn-" + id;
    try (LibvirtHypervisor hv = open()) {
      DefaultNetwork network =
          new DefaultNetwork(hv, DefaultNetworkTest.plan("10.198.7.0/24", "kb" + id), name);
      assertThat(hv.network(name)).isEmpty();
      assertThat(DefaultNetworkTest.run(network).exitCode()).isEqualTo(ExitCode.OK);
      NetworkInfo info = hv.network(name).orElseThrow();
      assertThat(info.active()).isTrue();
      assertThat(info.autostart()).isTrue();
      assertThat(info.bridge()).contains("kb" + id);
      assertThat(network.check()).isEmpty();
      assertThat(DefaultNetworkTest.statuses(DefaultNetworkTest.run(network)).values())
          .containsOnly(StepStatus.ALREADY_DONE);
    }
  }
}
