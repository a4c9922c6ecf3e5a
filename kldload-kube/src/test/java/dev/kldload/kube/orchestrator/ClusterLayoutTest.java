package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.NodeId;
import dev.kldload.core.value.VmName;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterLayoutTest {
  private static final NodeId HOST = NodeId.of(100);

  @Test
  @DisplayName("one control plane is <cluster>-cp with id 1; workers follow as <cluster>-w-N")
  void single() {
    ClusterLayout layout = ClusterLayout.of(ClusterName.of("kldload"), 1, 2, HOST);
    assertThat(layout.nodes())
        .extracting(s -> s.name().value(), s -> s.id().value(), ClusterLayout.Slot::role)
        .containsExactly(
            tuple("kldload-cp", 1, Role.CONTROL_PLANE),
            tuple("kldload-w-1", 2, Role.WORKER),
            tuple("kldload-w-2", 3, Role.WORKER));
  }

  @Test
  @DisplayName("several control planes are numbered; ids skip the host's id")
  void haAndHostId() {
    ClusterLayout layout = ClusterLayout.of(ClusterName.of("lab"), 3, 98, HOST);
    assertThat(layout.withRole(Role.CONTROL_PLANE))
        .extracting(ClusterLayout.Slot::name)
        .containsExactly(VmName.of("lab-cp-1"), VmName.of("lab-cp-2"), VmName.of("lab-cp-3"));
    assertThat(layout.nodes()).extracting(s -> s.id().value()).doesNotContain(100).contains(101);
  }

  @Test
  @DisplayName("scaling keeps every remaining node's name and id")
  void stableUnderScale() {
    ClusterLayout five = ClusterLayout.of(ClusterName.of("c"), 1, 5, HOST);
    ClusterLayout three = ClusterLayout.of(ClusterName.of("c"), 1, 3, HOST);
    assertThat(five.nodes()).startsWith(three.nodes().toArray(ClusterLayout.Slot[]::new));
  }
}
