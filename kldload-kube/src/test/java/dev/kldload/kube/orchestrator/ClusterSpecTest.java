package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.ClusterName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSpecTest {

  @Test
  @DisplayName(
      "a cluster file reads plain ram as MB, plain disk as GB, and net keys nested or dotted")
  void reads(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("cluster.yaml");
    Files.writeString(
        file,
        """
        name: lab
        control-planes: 1
        workers: 5
        disk: 40
        control-plane: {ram: 8192, cpus: 4, host: "test:///default"}
        worker: {ram: 4G}
        network:
          mgmt: {subnet: 10.60.0.0/24}
          pod-cidr: 10.70.0.0/16
        """);
    ClusterSpec spec = ClusterSpec.load(file);
    assertThat(spec.name()).contains(ClusterName.of("lab"));
    assertThat(spec.workers()).contains(5);
    assertThat(spec.disk()).contains(ByteSize.ofGigabytes(40));
    assertThat(spec.controlPlane().ram()).contains(ByteSize.ofMegabytes(8192));
    assertThat(spec.controlPlane().host()).contains("test:///default");
    assertThat(spec.worker().ram()).contains(ByteSize.ofGigabytes(4));
    assertThat(spec.network())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                ConfigKey.NET_MGMT_SUBNET, "10.60.0.0/24", ConfigKey.NET_POD_CIDR, "10.70.0.0/16"));
  }

  @Test
  @DisplayName("flags win over the file, field by field")
  void flagsWin(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "workers: 5\nworker: {ram: 4096, cpus: 2}\n");
    ClusterSpec flags =
        new ClusterSpec(
            Optional.empty(),
            Optional.empty(),
            Optional.of(2),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            ClusterSpec.Group.EMPTY,
            new ClusterSpec.Group(Optional.empty(), Optional.of(3), Optional.empty()),
            Map.of());
    ClusterSpec merged = flags.over(ClusterSpec.load(file));
    assertThat(merged.workers()).contains(2);
    assertThat(merged.worker().cpus()).contains(3);
    assertThat(merged.worker().ram()).contains(ByteSize.ofMegabytes(4096));
  }

  @Test
  @DisplayName("an unknown key, a fractional count or an unknown network key is exit 2 naming it")
  void strict(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.yaml");
    for (String[] bad :
        new String[][] {
          {"wokers: 5\n", "key 'wokers' is not known"},
          {"workers: 2.5\n", "workers must be a whole number, not '2.5'"},
          {"network: {mgmt: {subnett: x}}\n", "network key 'mgmt.subnett' is not known"},
          {"worker: {ram: lots}\n", "size 'lots' is not valid"},
        }) {
      Files.writeString(file, bad[0]);
      assertThatThrownBy(() -> ClusterSpec.load(file))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT))
          .hasMessageContaining(bad[1]);
    }
  }
}
