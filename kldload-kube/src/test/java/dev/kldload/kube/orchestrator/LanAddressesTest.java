package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.NetworkPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LanAddressesTest {
  private static final NetworkPlan PLAN = NetworkPlan.defaults();

  private static String lan(int id) {
    return LanAddresses.of(PLAN, "n" + id, NodeId.of(id)).getHostAddress();
  }

  @Test
  @DisplayName("ids 1-99 get .10-.108, ids past the host's continue at .109 up to .199 (id 191)")
  void blocks() {
    assertThat(List.of(lan(1), lan(2), lan(99), lan(101), lan(191)))
        .containsExactly(
            "192.168.122.10",
            "192.168.122.11",
            "192.168.122.108",
            "192.168.122.109",
            "192.168.122.199");
  }

  @Test
  @DisplayName("no node gets the host's .1, a MetalLB address, the API VIP, or another's address")
  void avoidsReserved() {
    Set<String> seen = new HashSet<>();
    for (int id = 1; id <= 222; id++) {
      if (id == 100) {
        continue;
      }
      String address = lan(id);
      int n = Integer.parseInt(address.substring(address.lastIndexOf('.') + 1));
      assertThat(n).as("id %d", id).isBetween(10, 254).isNotEqualTo(240);
      assertThat(n >= 200 && n <= 220).as("id %d in MetalLB: %s", id, address).isFalse();
      assertThat(seen.add(address)).as("id %d at %s", id, address).isTrue();
    }
  }

  @Test
  @DisplayName("an id the network cannot hold is exit 2 naming the node and the network")
  void full() {
    assertThatThrownBy(() -> LanAddresses.of(PLAN, "lab-w-250", NodeId.of(251)))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT);
              assertThat(e.getMessage()).contains("lab-w-250", "192.168.122.0/24");
            });
  }

  @Test
  @DisplayName("a layout that does not fit is refused by admit before any key is written")
  void admitRefusesBeforeWriting(@TempDir Path state) {
    ClusterStore store = new ClusterStore(state);
    ClusterLayout layout = ClusterLayout.of(ClusterName.of("big"), 1, 230, NodeId.of(100));
    assertThatThrownBy(
            () ->
                store.admit(
                    ClusterStoreTest.empty("big"),
                    layout,
                    PLAN,
                    r -> "h",
                    new ClusterStoreTest.CountingIdentities()))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT);
              assertThat(e.getMessage()).contains("big-w-", "192.168.122.0/24");
            });
    assertThat(Files.exists(store.dir(ClusterName.of("big")))).isFalse();
  }

  @Test
  @DisplayName("a node recorded without a LAN address gets one on the next admit, kept after")
  void admitFillsMissing(@TempDir Path state) throws Exception {
    ClusterStore store = new ClusterStore(state);
    ClusterLayout layout = ClusterLayout.of(ClusterName.of("lab"), 1, 1, NodeId.of(100));
    ClusterStoreTest.CountingIdentities identities = new ClusterStoreTest.CountingIdentities();
    ClusterManifest admitted =
        store.admit(ClusterStoreTest.empty("lab"), layout, PLAN, r -> "h", identities);
    // as a manifest written before nodes had LAN addresses reads back
    Path file = store.manifestFile(ClusterName.of("lab"));
    Files.writeString(
        file, Files.readString(file).replaceAll("\\s*\"lanAddress\" : \"[0-9.]+\",", ""));
    ClusterManifest old = store.load(ClusterName.of("lab")).orElseThrow();
    assertThat(old.nodes()).extracting(NodeRecord::lanAddress).containsOnlyNulls();

    ClusterManifest filled = store.admit(old, layout, PLAN, r -> "h", identities);

    assertThat(filled).isEqualTo(admitted);
    assertThat(store.load(ClusterName.of("lab")).orElseThrow()).isEqualTo(admitted);
    assertThat(identities.sshKeys).hasValue(2);
  }
}
