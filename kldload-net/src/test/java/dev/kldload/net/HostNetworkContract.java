package dev.kldload.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.value.Cidr;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link HostNetwork} reports. The subject is prepared with device {@link #device()}
 * holding 10.77.0.5/24 and an IPv4 default route via 10.77.0.1 on it.
 */
public abstract class HostNetworkContract {
  protected abstract HostNetwork subject();

  protected abstract String device();

  @Test
  @DisplayName("the connected route and the default route are reported with their device")
  void routes() {
    HostNetwork host = subject();
    assertThat(host.routes())
        .anySatisfy(
            r -> {
              assertThat(r.destination()).isEqualTo(Cidr.parse("10.77.0.0/24"));
              assertThat(r.device()).contains(device());
            });
    assertThat(host.defaultInterface()).contains(device());
  }

  @Test
  @DisplayName("addresses carry their prefix length; an unknown device has none")
  void addresses() {
    HostNetwork host = subject();
    assertThat(host.addresses(device())).contains(IfAddress.parse("10.77.0.5/24"));
    assertThat(host.addresses("kl-none0")).isEmpty();
  }
}
