package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.NativeLibrary;
import dev.kldload.core.ExitCode;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.testing.Requirements;
import dev.kldload.kvm.DhcpHost;
import dev.kldload.kvm.libvirt.LibvirtHypervisor;
import dev.kldload.kvm.xml.MacAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reservations on libvirt's in-process test driver, which implements {@code virNetworkUpdate}: the
 * live network and its definition both change (the driver reports only the live XML).
 */
class AddressReservationsIT {
  @TempDir Path state;

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

  private static PlanResult run(Plan plan) {
    return PlanEngine.quiet(4).run(plan, false);
  }

  @Test
  @DisplayName(
      "reserves each node's address on a libvirt network, keeps a foreign entry, releases ours")
  void reserveAndRelease() {
    String id = UUID.randomUUID().toString().substring(0, 6);
    String name = "kr-" + id;
    ClusterManifest manifest = new SeedFixtures(state, SeedFixtures::fakeSshKeys).manifest;
    try (LibvirtHypervisor hv = open()) {
      DefaultNetwork network =
          new DefaultNetwork(hv, DefaultNetworkTest.plan("192.168.122.0/24", "kr" + id), name);
      assertThat(DefaultNetworkTest.run(network).exitCode()).isEqualTo(ExitCode.OK);
      DhcpHost foreign = new DhcpHost(new MacAddress("52:54:00:77:77:77"), "nas", "192.168.122.5");
      hv.addDhcpHost(name, foreign);
      AddressReservations reservations = new AddressReservations(uri -> hv, name);

      Plan reserve =
          Plan.builder("reserve").addAll(reservations.steps(manifest, List.of())).build();
      assertThat(run(reserve).exitCode()).isEqualTo(ExitCode.OK);
      List<DhcpHost> ours =
          manifest.nodes().stream().map(AddressReservations::reservation).toList();
      assertThat(hv.dhcpHosts(name)).containsAll(ours).contains(foreign).hasSize(ours.size() + 1);
      assertThat(hv.network(name).orElseThrow().xml()).contains(ours.get(0).ip());
      assertThat(run(reserve).withStatus(StepStatus.ALREADY_DONE)).hasSize(ours.size());

      Plan release =
          Plan.builder("release").addAll(reservations.releaseSteps(manifest, List.of())).build();
      assertThat(run(release).exitCode()).isEqualTo(ExitCode.OK);
      assertThat(hv.dhcpHosts(name)).containsExactly(foreign);
    }
  }
}
