package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.ExitCode;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.StepOutcome;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.kvm.DhcpHost;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.xml.MacAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressReservationsTest {
  @TempDir Path state;
  InMemoryHypervisor hypervisor;
  ClusterManifest manifest;
  AddressReservations reservations;

  @BeforeEach
  void setUp() {
    hypervisor = new InMemoryHypervisor();
    manifest = new SeedFixtures(state, SeedFixtures::fakeSshKeys).manifest;
    reservations = new AddressReservations(uri -> hypervisor, "default");
  }

  private PlanResult run(Plan plan) {
    return PlanEngine.quiet(4).run(plan, false);
  }

  private Plan reserve() {
    return Plan.builder("reserve").addAll(reservations.steps(manifest, List.of())).build();
  }

  private Plan release() {
    return Plan.builder("release").addAll(reservations.releaseSteps(manifest, List.of())).build();
  }

  private List<DhcpHost> wanted() {
    return manifest.nodes().stream().map(AddressReservations::reservation).toList();
  }

  @Test
  @DisplayName(
      "every node gets its recorded address reserved for its MAC; a re-run changes nothing")
  void reservesEveryNode() {
    PlanResult first = run(reserve());
    assertThat(first.exitCode()).isEqualTo(ExitCode.OK);
    assertThat(first.outcomes())
        .extracting(StepOutcome::stepId)
        .containsExactlyElementsOf(
            manifest.nodes().stream().map(n -> "network/reserve/" + n.name()).toList());
    assertThat(hypervisor.dhcpHosts("default")).containsExactlyInAnyOrderElementsOf(wanted());
    NodeRecord cp = manifest.nodes().get(0);
    assertThat(hypervisor.dhcpHosts("default"))
        .contains(new DhcpHost(new MacAddress(cp.mac()), cp.name(), cp.lanAddress()));
    PlanResult again = run(reserve());
    assertThat(again.withStatus(StepStatus.ALREADY_DONE)).hasSize(manifest.nodes().size());
    assertThat(hypervisor.dhcpHosts("default")).hasSize(manifest.nodes().size());
  }

  @Test
  @DisplayName(
      "another MAC holding a node's address is a conflict naming both; the run's reservations are"
          + " undone and the foreign entry stays")
  void addressTaken() {
    NodeRecord worker = manifest.nodes().get(1);
    DhcpHost foreign = new DhcpHost(new MacAddress("52:54:00:99:99:99"), "", worker.lanAddress());
    hypervisor.addDhcpHost("default", foreign);
    PlanResult result = run(reserve());
    assertThat(result.exitCode()).isEqualTo(ExitCode.CONFLICT);
    StepOutcome failed = result.withStatus(StepStatus.FAILED).get(0);
    assertThat(failed.stepId()).isEqualTo("network/reserve/" + worker.name());
    assertThat(failed.errorMessage())
        .contains(worker.name())
        .contains(worker.mac())
        .contains("52:54:00:99:99:99")
        .contains(worker.lanAddress());
    assertThat(hypervisor.dhcpHosts("default")).containsExactly(foreign);
  }

  @Test
  @DisplayName("a node's MAC reserved for another address is a conflict, not a second entry")
  void macHoldsOtherAddress() {
    NodeRecord cp = manifest.nodes().get(0);
    DhcpHost stale = new DhcpHost(new MacAddress(cp.mac()), "", "192.168.122.250");
    hypervisor.addDhcpHost("default", stale);
    PlanResult result = run(reserve());
    assertThat(result.exitCode()).isEqualTo(ExitCode.CONFLICT);
    assertThat(result.withStatus(StepStatus.FAILED).get(0).errorMessage())
        .contains("192.168.122.250")
        .contains(cp.lanAddress());
    assertThat(hypervisor.dhcpHosts("default")).containsExactly(stale);
  }

  @Test
  @DisplayName("a reservation with the node's MAC and address under another name counts as done")
  void otherNameIsDone() {
    NodeRecord cp = manifest.nodes().get(0);
    hypervisor.addDhcpHost(
        "default", new DhcpHost(new MacAddress(cp.mac()), "renamed", cp.lanAddress()));
    PlanResult result = run(reserve());
    assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
    assertThat(result.outcomes().get(0).status()).isEqualTo(StepStatus.ALREADY_DONE);
  }

  @Test
  @DisplayName("release removes this cluster's reservations only, and is done on a missing network")
  void releaseOnlyOurs() {
    run(reserve());
    DhcpHost operator = new DhcpHost(new MacAddress("52:54:00:12:34:56"), "nas", "192.168.122.5");
    hypervisor.addDhcpHost("default", operator);
    // a stale entry of one of our MACs at another address is ours too
    hypervisor.removeDhcpHost("default", wanted().get(2));
    DhcpHost stale = new DhcpHost(wanted().get(2).mac(), "", "192.168.122.251");
    hypervisor.addDhcpHost("default", stale);
    PlanResult result = run(release());
    assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
    assertThat(hypervisor.dhcpHosts("default")).containsExactly(operator);
    assertThat(run(release()).withStatus(StepStatus.ALREADY_DONE)).hasSize(3);
    hypervisor.removeNetwork("default");
    assertThat(run(release()).exitCode()).isEqualTo(ExitCode.OK);
  }
}
