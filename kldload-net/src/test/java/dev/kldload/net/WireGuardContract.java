package dev.kldload.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every {@link WireGuard} does; the in-memory fake and the wg/ip adapter both pass it. */
public abstract class WireGuardContract {

  /** The implementation under test. */
  protected abstract WireGuard subject();

  /** An interface name no other test uses (wireguard-go's sockets are machine-wide). */
  protected abstract String interfaceName();

  private static PeerSpec peer(int key, int id, String endpoint, int keepalive) {
    return new PeerSpec(
        NodeId.of(id),
        TestKeys.publicKey(key),
        Optional.of(endpoint),
        List.of(Cidr.parse("10.250.0." + id + "/32")),
        keepalive);
  }

  @Test
  @DisplayName("an interface exists after create, create twice is harmless, delete removes it")
  void lifecycle() {
    WireGuard wg = subject();
    String name = interfaceName();
    assertThat(wg.device(name)).isEmpty();
    wg.create(name);
    wg.create(name);
    assertThat(wg.device(name)).isPresent();
    wg.delete(name);
    wg.delete(name);
    assertThat(wg.device(name)).isEmpty();
  }

  @Test
  @DisplayName("key, port, one IPv4 address, MTU and up are what was set")
  void configure() {
    WireGuard wg = subject();
    String name = interfaceName();
    try {
      wg.create(name);
      wg.configure(name, TestKeys.privateKey(0), 51999);
      wg.setAddress(name, IfAddress.parse("10.250.0.1/24"), 1420);
      wg.setAddress(name, IfAddress.parse("10.250.0.2/24"), 1400);
      WgDevice device = wg.device(name).orElseThrow();
      assertThat(device.publicKey()).contains(TestKeys.publicKey(0));
      assertThat(device.listenPort()).isEqualTo(51999);
      assertThat(device.up()).isTrue();
      assertThat(device.mtu()).isEqualTo(1400);
      assertThat(device.addresses().stream().filter(a -> a.address().getAddress().length == 4))
          .containsExactly(IfAddress.parse("10.250.0.2/24"));
    } finally {
      wg.delete(name);
    }
  }

  @Test
  @DisplayName("peers are added, updated and removed one by one; other peers stay")
  void peers() {
    WireGuard wg = subject();
    String name = interfaceName();
    try {
      wg.create(name);
      wg.configure(name, TestKeys.privateKey(0), 51998);
      wg.updatePeers(
          name,
          List.of(peer(1, 2, "192.0.2.2:51820", 0), peer(2, 3, "192.0.2.3:51820", 0)),
          Set.of());
      wg.updatePeers(name, List.of(peer(3, 4, "192.0.2.4:51820", 0)), Set.of());
      wg.updatePeers(
          name, List.of(peer(1, 2, "192.0.2.22:51820", 25)), Set.of(TestKeys.publicKey(2)));
      WgDevice device = wg.device(name).orElseThrow();
      assertThat(device.peers())
          .extracting(WgPeerState::publicKey)
          .containsExactlyInAnyOrder(TestKeys.publicKey(1), TestKeys.publicKey(3));
      WgPeerState updated = device.peer(TestKeys.publicKey(1)).orElseThrow();
      assertThat(updated.endpoint()).contains("192.0.2.22:51820");
      assertThat(updated.keepalive()).isEqualTo(25);
      assertThat(updated.allowedIps()).containsExactly(Cidr.parse("10.250.0.2/32"));
      assertThat(updated.latestHandshake()).isEmpty();
      wg.updatePeers(name, List.of(), Set.of());
      assertThat(wg.device(name).orElseThrow().peers()).hasSize(2);
    } finally {
      wg.delete(name);
    }
  }
}
