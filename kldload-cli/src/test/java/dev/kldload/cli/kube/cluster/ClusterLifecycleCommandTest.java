package dev.kldload.cli.kube.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.cli.CliHarness;
import dev.kldload.kvm.DomainState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status, stop, start and destroy of a cluster bootstrapped on in-memory engines. */
class ClusterLifecycleCommandTest {
  static final List<String> NODES = List.of("kldload-cp", "kldload-w-1", "kldload-w-2");

  @TempDir Path dir;
  ClusterTestBed bed;

  @BeforeEach
  void setUp() throws Exception {
    bed = new ClusterTestBed(dir).withGolden();
  }

  private void bootstrap() {
    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "2", "--until", "mesh");
    assertThat(r.exit()).as(r.toString()).isZero();
  }

  @Test
  @DisplayName("status without a cluster is exit 4 at once, naming it")
  void statusWithoutCluster() {
    long begin = System.nanoTime();
    CliHarness.Result r = bed.run("kube-cluster", "status");
    assertThat(r.exit()).as(r.toString()).isEqualTo(4);
    assertThat(r.err()).contains("cluster kldload does not exist");
    assertThat((System.nanoTime() - begin) / 1_000_000).isLessThan(5_000);
  }

  @Test
  @DisplayName(
      "status is healthy after bootstrap (JSON with every node and both planes); stop shuts every"
          + " node down and status says degraded (exit 3) with a reason per node")
  void statusStop() throws Exception {
    bootstrap();
    CliHarness.Result healthy = bed.run("kube-cluster", "status", "-o", "json");
    assertThat(healthy.exit()).as(healthy.toString()).isZero();
    JsonNode report = new ObjectMapper().readTree(healthy.out());
    assertThat(report.path("verdict").asText()).isEqualTo("HEALTHY");
    assertThat(report.path("nodes")).hasSize(3);
    assertThat(report.path("nodes").get(0).path("mesh")).hasSize(2);

    CliHarness.Result stop = bed.run("kube-cluster", "stop");
    assertThat(stop.exit()).as(stop.toString()).isZero();
    for (String node : NODES) {
      assertThat(bed.hypervisor.domain(node).orElseThrow().state())
          .as(node)
          .isNotEqualTo(DomainState.RUNNING);
    }
    CliHarness.Result degraded = bed.run("kube-cluster", "status");
    assertThat(degraded.exit()).as(degraded.toString()).isEqualTo(3);
    assertThat(degraded.out()).contains("kldload-w-2: domain is");
  }

  @Test
  @DisplayName("start 1 starts the control plane and the first worker, and reaches them")
  void startSome() {
    bootstrap();
    assertThat(bed.run("kube-cluster", "stop").exit()).isZero();
    CliHarness.Result r = bed.run("kube-cluster", "start", "1");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.err()).contains("reach/kldload-w-1").doesNotContain("reach/kldload-w-2");
    assertThat(bed.hypervisor.domain("kldload-w-1").orElseThrow().state())
        .isEqualTo(DomainState.RUNNING);
    assertThat(bed.hypervisor.domain("kldload-w-2").orElseThrow().state())
        .isNotEqualTo(DomainState.RUNNING);
  }

  @Test
  @DisplayName(
      "destroy lists what it removes; without a terminal it needs --yes (exit 2, nothing removed);"
          + " with KUBE_CLUSTER_YES=1 it leaves no domain, disk, seed, reservation, peer, hosts"
          + " entry or state of the cluster, and the golden and foreign lines stay")
  void destroy() throws Exception {
    bootstrap();
    CliHarness.Result refused = bed.run("kube-cluster", "destroy");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.err()).contains("kldload-w-2", "reservation");
    assertThat(bed.hypervisor.domain("kldload-cp")).isPresent();

    CliHarness.Result done = bed.cli().env("KUBE_CLUSTER_YES", "1").exec("kube-cluster", "destroy");
    assertThat(done.exit()).as(done.toString()).isZero();
    for (String node : NODES) {
      assertThat(bed.hypervisor.domain(node)).as(node).isEmpty();
    }
    assertThat(bed.hypervisor.domain("k8s-golden")).isPresent();
    assertThat(bed.hypervisor.dhcpHosts("default")).isEmpty();
    assertThat(images()).containsExactlyInAnyOrder("k8s-golden.qcow2", "k8s-golden@golden.qcow2");
    for (String plane : List.of("wg-mgmt", "wg-k8s")) {
      assertThat(bed.wireGuard.device(plane).orElseThrow().peers()).as(plane).isEmpty();
    }
    assertThat(Files.readAllLines(dir.resolve("hosts")))
        .containsExactly("127.0.0.1\tlocalhost", ClusterTestBed.FOREIGN_LINE);
    assertThat(dir.resolve("state/clusters/kldload")).doesNotExist();
    assertThat(bed.run("kube-cluster", "status").exit()).isEqualTo(4);
  }

  @Test
  @DisplayName(
      "scale 3 adds a worker (domain, reservation, host peers, hosts line) and syncs the nodes that"
          + " stay over SSH; scale 1 removes the two highest-numbered workers and every object of"
          + " theirs, and the manifest forgets them")
  void scale() throws Exception {
    bootstrap();
    CliHarness.Result up = bed.run("kube-cluster", "scale", "3");
    assertThat(up.exit()).as(up.toString()).isZero();
    assertThat(up.out()).contains("2 → 3 workers");
    assertThat(bed.hypervisor.domain("kldload-w-3").orElseThrow().state())
        .isEqualTo(DomainState.RUNNING);
    assertThat(bed.hypervisor.dhcpHosts("default")).hasSize(4);
    assertThat(bed.wireGuard.device("wg-k8s").orElseThrow().peers()).hasSize(4);
    assertThat(Files.readAllLines(dir.resolve("hosts"))).contains("10.250.0.4\tkldload-w-3");
    assertThat(up.err()).contains("nodes/kldload-cp/wg-mgmt");
    assertThat(bed.run("kube-cluster", "status").exit()).isZero();

    CliHarness.Result down = bed.run("kube-cluster", "scale", "1");
    assertThat(down.exit()).as(down.toString()).isZero();
    for (String gone : List.of("kldload-w-2", "kldload-w-3")) {
      assertThat(bed.hypervisor.domain(gone)).as(gone).isEmpty();
      assertThat(dir.resolve("images/" + gone + ".qcow2")).doesNotExist();
      assertThat(dir.resolve("images/" + gone + "-seed.iso")).doesNotExist();
    }
    assertThat(bed.hypervisor.dhcpHosts("default")).hasSize(2);
    assertThat(bed.wireGuard.device("wg-mgmt").orElseThrow().peers()).hasSize(2);
    assertThat(Files.readString(dir.resolve("hosts"))).doesNotContain("kldload-w-2");
    JsonNode manifest =
        new ObjectMapper().readTree(dir.resolve("state/clusters/kldload/cluster.json").toFile());
    assertThat(manifest.path("nodes")).hasSize(2);
    assertThat(bed.run("kube-cluster", "status").exit()).isZero();
  }

  private List<String> images() throws IOException {
    try (Stream<Path> images = Files.list(dir.resolve("images"))) {
      return images.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
