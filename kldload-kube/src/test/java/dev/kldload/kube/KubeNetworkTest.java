package dev.kldload.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.Cidr;
import dev.kldload.net.HostNetwork;
import dev.kldload.net.IfAddress;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KubeNetworkTest {
  static final NetworkPlan PLAN = NetworkPlan.defaults();

  /** Routes and addresses as the kernel derives them: each address adds its connected route. */
  static final class Host implements HostNetwork {
    final List<Route> routes = new ArrayList<>();
    final Map<String, List<IfAddress>> addresses = new LinkedHashMap<>();

    Host address(String device, String address) {
      IfAddress a = IfAddress.parse(address);
      addresses.computeIfAbsent(device, d -> new ArrayList<>()).add(a);
      routes.add(new Route(a.network(), Optional.of(device), Optional.empty()));
      return this;
    }

    Host defaultVia(String device, String gateway) {
      routes.add(new Route(Cidr.parse("0.0.0.0/0"), Optional.of(device), Optional.of(gateway)));
      return this;
    }

    @Override
    public List<Route> routes() {
      return List.copyOf(routes);
    }

    @Override
    public List<IfAddress> addresses(String device) {
      return List.copyOf(addresses.getOrDefault(device, List.of()));
    }
  }

  @Test
  @DisplayName("node address: the one on the plan's libvirt network, not the host's bridge there")
  void addressOnLibvirtNetwork() {
    Host host =
        new Host()
            .address("virbr0", "192.168.122.1/24")
            .address("eth1", "10.0.0.5/24")
            .defaultVia("eth1", "10.0.0.1")
            .address("eth0", "192.168.122.10/24");
    assertThat(KubeNetwork.nodeAddress(PLAN, host).getHostAddress()).isEqualTo("192.168.122.10");
  }

  @Test
  @DisplayName("node address: else the default route interface's IPv4 address; none → exit 6")
  void addressOfDefaultRoute() {
    Host host =
        new Host()
            .address("eth0", "fd00::5/64")
            .address("eth0", "10.0.0.5/24")
            .defaultVia("eth0", "10.0.0.1");
    assertThat(KubeNetwork.nodeAddress(PLAN, host).getHostAddress()).isEqualTo("10.0.0.5");
    assertThatThrownBy(() -> KubeNetwork.nodeAddress(PLAN, new Host().address("lo", "127.0.0.1/8")))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION))
        .hasMessageContaining("192.168.122.0/24");
  }
}
