package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.config.ConfigLoader;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.StepOutcome;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.NetworkInfo;
import dev.kldload.kvm.xml.Xml;
import dev.kldload.net.NetworkPlan;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class DefaultNetworkTest {
  private final InMemoryHypervisor hypervisor = new InMemoryHypervisor();

  static NetworkPlan plan(String network, String bridge) {
    return NetworkPlan.fromConfig(
        new ConfigLoader(Map.of(), List.of())
            .load(
                Optional.empty(),
                Map.of(
                    ConfigKey.NET_LIBVIRT_NETWORK, network, ConfigKey.NET_LIBVIRT_BRIDGE, bridge)));
  }

  static PlanResult run(DefaultNetwork network) {
    return PlanEngine.quiet(1).run(Plan.builder("network").addAll(network.steps()).build(), false);
  }

  static Map<String, StepStatus> statuses(PlanResult result) {
    return result.outcomes().stream()
        .collect(Collectors.toMap(StepOutcome::stepId, StepOutcome::status));
  }

  @Test
  @DisplayName("a missing default network is defined as the plan says, autostarted and started")
  void definesMissing() {
    hypervisor.removeNetwork("default");
    DefaultNetwork network = new DefaultNetwork(hypervisor, NetworkPlan.defaults());
    PlanResult result = run(network);
    assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
    NetworkInfo made = hypervisor.network("default").orElseThrow();
    assertThat(made.active()).isTrue();
    assertThat(made.autostart()).isTrue();
    assertThat(made.bridge()).contains("virbr0");
    Element root = Xml.parse(made.xml()).getDocumentElement();
    assertThat(Xml.path(root, "forward").flatMap(f -> Xml.attr(f, "mode"))).contains("nat");
    Element ip = Xml.path(root, "ip").orElseThrow();
    assertThat(Xml.attr(ip, "address")).contains("192.168.122.1");
    assertThat(Xml.attr(ip, "netmask")).contains("255.255.255.0");
    Element range = Xml.path(ip, "dhcp/range").orElseThrow();
    assertThat(Xml.attr(range, "start")).contains("192.168.122.2");
    assertThat(Xml.attr(range, "end")).contains("192.168.122.254");
    assertThat(network.check()).isEmpty();
  }

  @Test
  @DisplayName("a second run finds every step done and changes nothing")
  void rerun() {
    hypervisor.removeNetwork("default");
    DefaultNetwork network = new DefaultNetwork(hypervisor, NetworkPlan.defaults());
    run(network);
    NetworkInfo before = hypervisor.network("default").orElseThrow();
    PlanResult again = run(network);
    assertThat(statuses(again))
        .containsOnlyKeys("network-define", "network-autostart", "network-start");
    assertThat(statuses(again).values()).containsOnly(StepStatus.ALREADY_DONE);
    assertThat(hypervisor.network("default")).contains(before);
  }

  @Test
  @DisplayName("the plan's network and bridge are the ones defined")
  void fromPlan() {
    hypervisor.removeNetwork("default");
    DefaultNetwork network = new DefaultNetwork(hypervisor, plan("10.77.0.0/24", "brk0"));
    run(network);
    NetworkInfo made = hypervisor.network("default").orElseThrow();
    assertThat(made.bridge()).contains("brk0");
    assertThat(made.xml()).contains("10.77.0.1").contains("10.77.0.2").contains("10.77.0.254");
  }

  @Test
  @DisplayName(
      "an existing matching network (forward without a mode is NAT) that is stopped is started and autostarted, not redefined")
  void startsExisting() {
    hypervisor.removeNetwork("default");
    hypervisor.defineNetwork(
        InMemoryHypervisor.DEFAULT_NETWORK_XML.replace("<forward mode='nat'/>", "<forward/>"));
    String xml = hypervisor.network("default").orElseThrow().xml();
    DefaultNetwork network = new DefaultNetwork(hypervisor, NetworkPlan.defaults());
    assertThat(network.check()).isEmpty();
    PlanResult result = run(network);
    assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
    assertThat(statuses(result)).containsEntry("network-define", StepStatus.ALREADY_DONE);
    NetworkInfo now = hypervisor.network("default").orElseThrow();
    assertThat(now.active()).isTrue();
    assertThat(now.autostart()).isTrue();
    assertThat(now.xml()).isEqualTo(xml);
  }

  @Test
  @DisplayName(
      "an existing network with another address and bridge is a finding, and left untouched (exit 6)")
  void mismatchLeftAlone() {
    hypervisor.removeNetwork("default");
    hypervisor.defineNetwork(
        "<network><name>default</name><forward mode='nat'/><bridge name='virbr9'/>"
            + "<ip address='10.0.5.1' prefix='24'><dhcp><range start='10.0.5.2'"
            + " end='10.0.5.254'/></dhcp></ip></network>");
    String xml = hypervisor.network("default").orElseThrow().xml();
    DefaultNetwork network = new DefaultNetwork(hypervisor, NetworkPlan.defaults());
    assertThat(network.check())
        .extracting(Admission.Finding::kind, Admission.Finding::message)
        .containsExactlyInAnyOrder(
            tuple(ErrorKind.PRECONDITION, "libvirt network default uses bridge virbr9, not virbr0"),
            tuple(
                ErrorKind.PRECONDITION,
                "libvirt network default has address 10.0.5.1/24, not 192.168.122.1/24"),
            tuple(
                ErrorKind.DEGRADED,
                "libvirt network default hands out 10.0.5.2-10.0.5.254, not"
                    + " 192.168.122.2-192.168.122.254"));
    PlanResult result = run(network);
    assertThat(result.exitCode()).isEqualTo(ExitCode.PRECONDITION);
    NetworkInfo now = hypervisor.network("default").orElseThrow();
    assertThat(now.active()).isFalse();
    assertThat(now.autostart()).isFalse();
    assertThat(now.xml()).isEqualTo(xml);
  }

  @Test
  @DisplayName("an isolated network (no forward) is only a warning")
  void isolatedWarns() {
    hypervisor.removeNetwork("default");
    hypervisor.defineNetwork(
        InMemoryHypervisor.DEFAULT_NETWORK_XML.replace("<forward mode='nat'/>", ""));
    DefaultNetwork network = new DefaultNetwork(hypervisor, NetworkPlan.defaults());
    assertThat(network.check())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(ErrorKind.DEGRADED);
              assertThat(f.message()).contains("'none', not NAT");
            });
    assertThat(run(network).exitCode()).isEqualTo(ExitCode.OK);
    assertThat(hypervisor.network("default").orElseThrow().active()).isTrue();
  }

  @Test
  @DisplayName("netmask and prefix convert both ways")
  void masks() {
    assertThat(DefaultNetwork.netmask(24)).isEqualTo("255.255.255.0");
    assertThat(DefaultNetwork.netmask(16)).isEqualTo("255.255.0.0");
    assertThat(DefaultNetwork.prefixOf("255.255.255.0")).isEqualTo(24);
    assertThat(DefaultNetwork.prefixOf("255.255.240.0")).isEqualTo(20);
  }
}
