package dev.kldload.cli.kube.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.cli.CliHarness;
import dev.kldload.core.testing.Requirements;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.xml.DomainXmlValidateIT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kube-cluster bootstrap} on in-memory engines ({@link ClusterTestBed}). */
class ClusterBootstrapCommandTest {
  @TempDir Path dir;
  ClusterTestBed bed;

  @BeforeEach
  void setUp() throws Exception {
    bed = new ClusterTestBed(dir);
  }

  @Test
  @DisplayName(
      "--until mesh: three nodes cloned, seeded, defined and running; the host on both planes"
          + " with three peers; our hosts block; a node table on stdout; a re-run changes nothing")
  void untilMesh() throws Exception {
    bed.withGolden();
    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "2", "--until", "mesh");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.err()).contains("1 control plane(s)", "2 worker(s)");
    assertThat(r.out()).contains("CLONE MS").doesNotContain(" - \n");
    List<String> nodes = List.of("kldload-cp", "kldload-w-1", "kldload-w-2");
    for (String node : nodes) {
      VmDomain d = bed.hypervisor.domain(node).orElseThrow();
      assertThat(d.state()).as(node).isEqualTo(DomainState.RUNNING);
      assertThat(dir.resolve("images/" + node + "-seed.iso")).exists();
      assertThat(r.out()).contains(node);
    }
    for (String plane : List.of("wg-mgmt", "wg-k8s")) {
      assertThat(bed.wireGuard.device(plane).orElseThrow().peers()).as(plane).hasSize(3);
    }
    List<String> hosts = Files.readAllLines(dir.resolve("hosts"));
    assertThat(hosts)
        .contains(ClusterTestBed.FOREIGN_LINE, "10.250.0.1\tkldload-cp", "10.250.0.3\tkldload-w-2");
    assertThat(dir.resolve("state/clusters/kldload/cluster.json")).exists();

    CliHarness.Result again =
        bed.run(
            "kube-cluster",
            "bootstrap",
            "--cps",
            "1",
            "--workers",
            "2",
            "--until",
            "mesh",
            "-o",
            "json");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(again.err()).doesNotContain("\"applied\"");
    JsonNode table = new ObjectMapper().readTree(again.out());
    assertThat(table.path("items")).hasSize(3);
    // nothing was cloned by the second run
    assertThat(table.path("items").get(0).path("cloneMillis").isNull()).isTrue();
    assertThat(Files.readAllLines(dir.resolve("hosts"))).isEqualTo(hosts);
  }

  @Test
  @DisplayName(
      "a node that never comes up fails its own reach and handshakes; the others converge, the run"
          + " ends degraded (exit 3) naming it; a re-run once it is up finishes")
  void deadNode() {
    bed.withGolden();
    bed.dead.add("kldload-w-1");
    CliHarness.Result r =
        bed.cli()
            .env("KLDLOAD_KUBE_REACH_SECONDS", "2")
            .exec("kube-cluster", "bootstrap", "--cps", "1", "--workers", "2", "--until", "mesh");
    assertThat(r.exit()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("reach/kldload-w-1");
    assertThat(r.err()).doesNotContain("reach/kldload-w-2 failed");
    assertThat(bed.hypervisor.domain("kldload-w-1")).isPresent();

    bed.dead.clear();
    bed.hypervisor.powerOff("kldload-w-1");
    CliHarness.Result again =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--workers", "2", "--until", "mesh");
    assertThat(again.exit()).as(again.toString()).isZero();
  }

  @Test
  @DisplayName(
      "node groups on two libvirt hosts (cluster file): each node's domain, reservation and start"
          + " go through its own host's connection, and the manifest names it")
  void twoHosts() throws Exception {
    bed.withGolden();
    InMemoryHypervisor second = new InMemoryHypervisor();
    second.define(bed.hypervisor.domain("k8s-golden").orElseThrow().xml());
    Path spec = dir.resolve("lab.yaml");
    Files.writeString(
        spec,
        "control-planes: 1\nworkers: 2\ncontrol-plane: {host: 'test:///default'}\n"
            + "worker: {host: 'test:///second'}\n");
    CliHarness.Result r =
        bed.cli()
            .hypervisor(uri -> uri.equals("test:///second") ? second : bed.hypervisor)
            .exec("kube-cluster", "bootstrap", "-f", spec.toString(), "--until", "clones");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(bed.hypervisor.domain("kldload-cp")).isPresent();
    assertThat(bed.hypervisor.domain("kldload-w-1")).isEmpty();
    assertThat(second.domain("kldload-w-1")).isPresent();
    assertThat(second.domain("kldload-w-2")).isPresent();
    assertThat(second.dhcpHosts("default")).hasSize(2);
    assertThat(bed.hypervisor.dhcpHosts("default")).hasSize(1);
    JsonNode manifest =
        new ObjectMapper().readTree(dir.resolve("state/clusters/kldload/cluster.json").toFile());
    assertThat(manifest.path("nodes").get(1).path("host").asText()).isEqualTo("test:///second");
  }

  @Test
  @DisplayName(
      "a second cluster on the host is refused (exit 5, nothing changed): it would take the same"
          + " plane addresses and node ids, and drop the first one's peers")
  void secondClusterRefused() {
    bed.withGolden();
    assertThat(bed.run("kube-cluster", "bootstrap", "--cps", "1", "--until", "mesh").exit())
        .isZero();
    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--name", "other", "--cps", "1", "--until", "mesh");
    assertThat(r.exit()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).contains("cluster kldload already holds", "kube-cluster destroy");
    assertThat(dir.resolve("state/clusters/other")).doesNotExist();
    assertThat(bed.hypervisor.domain("other-cp")).isEmpty();
  }

  @Test
  @DisplayName(
      "without --until the Kubernetes phases are asked for: exit 6 naming the missing bundle and"
          + " suggesting --until mesh; nothing changed")
  void kubernetesPhasesNeedTheBundle() {
    bed.withGolden();
    CliHarness.Result r = bed.run("kube-cluster", "bootstrap", "--workers", "5");
    assertThat(r.exit()).as(r.toString()).isEqualTo(6);
    assertThat(r.err()).contains("k8s-stack.lock is missing", "--until mesh");
    assertThat(dir.resolve("state/clusters")).doesNotExist();
    assertThat(bed.hypervisor.domains()).hasSize(1);
  }

  @Test
  @DisplayName(
      "without the golden, a dry-run plans the golden's build from packages first and the nodes'"
          + " addresses, says the domains wait for the golden, and changes nothing")
  void goldenMissingDryRun() throws Exception {
    CliHarness.Result r =
        bed.run("kube-cluster", "bootstrap", "--cps", "1", "--until", "clones", "--dry-run");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("golden/debootstrap", "golden/snapshot", "network/reserve/kldload-cp");
    assertThat(r.out()).doesNotContain("clones/kldload-cp/define");
    assertThat(r.err()).contains("golden k8s-golden does not exist yet");
    assertThat(dir.resolve("state/clusters")).doesNotExist();
    assertThat(bed.hypervisor.domains()).isEmpty();
    assertThat(dir.resolve("golden-cache")).doesNotExist();
  }

  @Test
  @DisplayName(
      "bad input is exit 2 with nothing changed: an unknown phase, --plan-dir alone, 2 CPs")
  void badInput() {
    bed.withGolden();
    CliHarness.Result phase = bed.run("kube-cluster", "bootstrap", "--until", "kubernetes");
    assertThat(phase.exit()).as(phase.toString()).isEqualTo(2);
    assertThat(phase.err()).contains("preflight, golden, clones, reach, mesh");
    CliHarness.Result planDir =
        bed.run("kube-cluster", "bootstrap", "--until", "mesh", "--plan-dir", "/tmp/x");
    assertThat(planDir.exit()).as(planDir.toString()).isEqualTo(2);
    CliHarness.Result even = bed.run("kube-cluster", "bootstrap", "--cps", "2", "--until", "mesh");
    assertThat(even.exit()).as(even.toString()).isEqualTo(2);
    assertThat(dir.resolve("state/clusters")).doesNotExist();
  }

  @Test
  @DisplayName(
      "--dry-run --plan-dir writes every node's seed files, wg and nft files and domain XML and"
          + " the resolved cluster, and changes nothing: no state, no domain, no peer, hosts as was")
  void dryRunPlanDir() throws Exception {
    bed.withGolden();
    List<String> hostsBefore = Files.readAllLines(dir.resolve("hosts"));
    List<String> imagesBefore = images();
    Path plan = dir.resolve("plan");
    CliHarness.Result r =
        bed.run(
            "kube-cluster",
            "bootstrap",
            "--cps",
            "1",
            "--workers",
            "2",
            "--until",
            "mesh",
            "--dry-run",
            "--plan-dir",
            plan.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains(
            "network/reserve/kldload-w-2",
            "clones/kldload-w-2/define",
            "reach/kldload-w-2",
            "mesh/etc-hosts",
            "mesh/handshake/kldload-w-2/k8s");
    for (String node : List.of("kldload-cp", "kldload-w-1", "kldload-w-2")) {
      for (String file :
          List.of(
              "meta-data",
              "user-data",
              "network-config",
              "wg-mgmt.conf",
              "wg-k8s.conf",
              "nftables.nft",
              "domain.xml")) {
        assertThat(plan.resolve(node).resolve(file)).as(node + "/" + file).isRegularFile();
      }
    }
    assertThat(plan.resolve("cluster.yaml")).isRegularFile();
    Requirements.require(
        Requirements.onPath("virt-xml-validate"), "virt-xml-validate (libvirt-clients)");
    for (String node : List.of("kldload-cp", "kldload-w-1", "kldload-w-2")) {
      DomainXmlValidateIT.assertValid(
          Files.readString(plan.resolve(node).resolve("domain.xml")), dir);
    }
    assertThat(dir.resolve("state/clusters")).doesNotExist();
    assertThat(dir.resolve("state/net")).doesNotExist();
    assertThat(bed.hypervisor.domains()).hasSize(1);
    assertThat(bed.wireGuard.device("wg-mgmt")).isEmpty();
    assertThat(Files.readAllLines(dir.resolve("hosts"))).isEqualTo(hostsBefore);
    assertThat(images()).isEqualTo(imagesBefore);
  }

  private List<String> images() throws IOException {
    try (Stream<Path> images = Files.list(dir.resolve("images"))) {
      return images.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
