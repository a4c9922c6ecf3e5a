package dev.kldload.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.KldloadException;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.config.ConfigLoader;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NetworkPlanTest {
  private final NetworkPlan plan = NetworkPlan.defaults();

  private static Route route(String cidr, String dev) {
    return new Route(Cidr.parse(cidr), Optional.of(dev), Optional.empty());
  }

  @Test
  @DisplayName("the defaults are the original's address plan")
  void defaults() {
    assertThat(plan.mgmt().interfaceName()).isEqualTo("wg-mgmt");
    assertThat(plan.mgmt().port()).isEqualTo(51820);
    assertThat(plan.k8s().port()).isEqualTo(51821);
    assertThat(plan.mgmt().address(NodeId.of(3)).toString()).isEqualTo("10.250.0.3/24");
    assertThat(plan.k8s().address(NodeId.of(3)).toString()).isEqualTo("10.251.0.3/24");
    assertThat(plan.k8s().peerRoute(NodeId.of(7)).toString()).isEqualTo("10.251.0.7/32");
    assertThat(plan.hostId().value()).isEqualTo(100);
    assertThat(plan.hostBridgeAddress().getHostAddress()).isEqualTo("192.168.122.1");
    assertThat(plan.apiVipAddress().getHostAddress()).isEqualTo("192.168.122.240");
    assertThat(plan.podCidr().toString()).isEqualTo("10.244.0.0/16");
    assertThat(plan.serviceCidr().toString()).isEqualTo("10.96.0.0/16");
    assertThat(plan.wireguardMtu()).isEqualTo(1420);
    assertThat(plan.ciliumMtu(true)).isEqualTo(1370);
    assertThat(plan.ciliumMtu(false)).isEqualTo(1450);
  }

  @Test
  @DisplayName("check is clean for the defaults and ignores routes through our own devices")
  void cleanCheck() {
    List<Route> routes =
        List.of(
            route("0.0.0.0/0", "eth0"),
            route("10.0.0.0/24", "eth0"),
            route("192.168.122.0/24", "virbr0"),
            route("10.250.0.0/24", "wg-mgmt"),
            route("10.251.0.0/24", "wg-k8s"),
            route("10.244.1.0/24", "cilium_host"));
    assertThat(plan.check(routes)).isEmpty();
  }

  @Test
  @DisplayName("check reports a host route that overlaps a range of the plan")
  void hostRouteOverlap() {
    List<PlanIssue> issues = plan.check(List.of(route("10.96.0.0/12", "eth1")));
    assertThat(issues)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.range()).isEqualTo("service CIDR");
              assertThat(i.conflictsWith()).isEqualTo("host route 10.96.0.0/12 dev eth1");
            });
  }

  @Test
  @DisplayName("check reports ranges of the plan that overlap each other")
  void rangeOverlap() {
    NetworkPlan bad =
        new NetworkPlan(
            plan.libvirtNetwork(),
            "virbr0",
            plan.mgmt(),
            plan.k8s(),
            plan.hostId(),
            Cidr.parse("10.0.0.0/8"),
            plan.serviceCidr(),
            200,
            220,
            240,
            1500,
            1420);
    assertThat(bad.check(List.of()))
        .extracting(PlanIssue::range, PlanIssue::conflictsWith)
        .contains(
            Tuple.tuple("wg-mgmt", "pod CIDR 10.0.0.0/8"),
            Tuple.tuple("pod CIDR", "service CIDR 10.96.0.0/16"));
  }

  @Test
  @DisplayName("one port or one interface for both planes, or an MTU too big, is invalid")
  void invalidPlans() {
    Plane mgmt = plan.mgmt();
    Plane samePort = new Plane(PlaneKind.K8S, "wg-k8s", plan.k8s().subnet(), mgmt.port());
    assertThatThrownBy(
            () ->
                new NetworkPlan(
                    plan.libvirtNetwork(),
                    "virbr0",
                    mgmt,
                    samePort,
                    plan.hostId(),
                    plan.podCidr(),
                    plan.serviceCidr(),
                    200,
                    220,
                    240,
                    1500,
                    1420))
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(
            () ->
                new NetworkPlan(
                    plan.libvirtNetwork(),
                    "virbr0",
                    mgmt,
                    plan.k8s(),
                    plan.hostId(),
                    plan.podCidr(),
                    plan.serviceCidr(),
                    200,
                    220,
                    240,
                    1500,
                    1450))
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining("MTU");
    assertThatThrownBy(() -> new Plane(PlaneKind.MGMT, "wg mgmt", mgmt.subnet(), 1))
        .isInstanceOf(KldloadException.class);
    assertThatThrownBy(() -> new Plane(PlaneKind.MGMT, "wg", Cidr.parse("10.250.0.0/25"), 1))
        .isInstanceOf(KldloadException.class);
  }

  @Test
  @DisplayName("Cilium's MTU over wg-k8s follows the configured WireGuard MTU")
  void ciliumFollowsWireGuardMtu() {
    NetworkPlan plan =
        NetworkPlan.fromConfig(
            new ConfigLoader(Map.of(), List.of())
                .load(Optional.empty(), Map.of(ConfigKey.NET_WIREGUARD_MTU, "1380")));
    assertThat(plan.ciliumMtu(true)).isEqualTo(1330);
    assertThat(plan.ciliumMtu(false)).isEqualTo(1450);
  }
}
