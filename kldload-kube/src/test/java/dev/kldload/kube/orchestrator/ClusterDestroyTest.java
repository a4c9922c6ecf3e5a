package dev.kldload.kube.orchestrator;

import static dev.kldload.kube.orchestrator.ClusterBootstrapTest.FAKE_ISO;
import static dev.kldload.kube.orchestrator.ClusterBootstrapTest.GOLDEN;
import static dev.kldload.kube.orchestrator.ClusterBootstrapTest.LAB;
import static dev.kldload.kube.orchestrator.ClusterBootstrapTest.run;
import static dev.kldload.kube.orchestrator.ClusterBootstrapTest.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanCuts;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import dev.kldload.core.value.VmName;
import dev.kldload.kube.orchestrator.ClusterDestroy.Listing;
import dev.kldload.kube.orchestrator.ClusterDestroy.Target;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.net.Endpoint;
import dev.kldload.net.IfAddress;
import dev.kldload.net.InterfaceConfig;
import dev.kldload.net.Mesh;
import dev.kldload.net.MeshNode;
import dev.kldload.net.PeerSpec;
import dev.kldload.net.Plane;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPeerState;
import dev.kldload.net.WgPrivateKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Destroy over the in-memory engines, from every state a bootstrap can stop in, with foreign
 * objects beside ours: a foreign domain, a foreign WireGuard peer on each plane, a foreign hosts
 * line and another cluster's hosts block.
 */
class ClusterDestroyTest {
  static final List<String> OTHER_BLOCK =
      List.of(
          ClusterBootstrap.beginMarker("prod"),
          "10.250.0.1\tprod-cp",
          ClusterBootstrap.endMarker("prod"));

  @TempDir Path tmp;

  /** A rig with foreign objects beside where the cluster's will be. */
  static final class Scene {
    final ClusterBootstrapTest.Rig rig;
    final Map<PlaneKind, WgKey> foreignPeers = new EnumMap<>(PlaneKind.class);
    final ClusterDestroy destroy;

    Scene(Path dir, int workers) throws Exception {
      rig = new ClusterBootstrapTest.Rig(dir, workers, FAKE_ISO);
      for (PlaneKind kind : PlaneKind.values()) {
        foreignPeers.put(kind, ClusterFixtures.foreignPeer(rig, kind));
      }
      List<String> hosts = new ArrayList<>(Files.readAllLines(rig.hosts));
      hosts.addAll(OTHER_BLOCK);
      Files.write(rig.hosts, hosts);
      destroy =
          new ClusterDestroy(
              rig.plan,
              uri -> rig.hypervisor,
              uri -> rig.disks,
              rig.bootstrap::seedIso,
              rig.hostStore,
              rig.wireGuard,
              rig.wgDir,
              rig.hosts,
              rig.store,
              new AddressReservations(uri -> rig.hypervisor, "default"));
    }

    Set<WgKey> nodeKeys() {
      Set<WgKey> keys = new HashSet<>();
      for (NodeRecord node : rig.manifest.nodes()) {
        keys.add(ClusterFixtures.mgmtKey(node));
        keys.add(ClusterFixtures.k8sKey(node));
      }
      return keys;
    }

    /**
     * Nothing of the cluster is left: no domain, disk, seed, peer (running, in a wg-quick file or
     * recorded), hosts block or state directory; every foreign object as it was; the golden kept
     * unless {@code goldenGone}.
     */
    void assertGone(boolean goldenGone) throws Exception {
      for (NodeRecord node : rig.manifest.nodes()) {
        assertThat(rig.hypervisor.domain(node.name())).as("domain " + node.name()).isEmpty();
        assertThat(rig.disks.exists(VmName.of(node.name()))).as("disk " + node.name()).isFalse();
        assertThat(rig.bootstrap.seedIso(node.name())).doesNotExist();
      }
      Set<WgKey> ours = nodeKeys();
      for (Plane plane : rig.plan.planes()) {
        WgDevice device = rig.wireGuard.device(plane.interfaceName()).orElseThrow();
        assertThat(device.peers())
            .extracting(WgPeerState::publicKey)
            .containsExactly(foreignPeers.get(plane.kind()));
        Path file = rig.wgDir.resolve(plane.interfaceName() + ".conf");
        PrivateFiles.read(file)
            .ifPresent(text -> ours.forEach(k -> assertThat(text).doesNotContain(k.base64())));
        assertThat(rig.hostStore.owned(plane.kind())).doesNotContainAnyElementsOf(ours);
      }
      assertThat(rig.hostStore.peers().nodes())
          .flatExtracting(n -> List.copyOf(n.keys().values()))
          .doesNotContainAnyElementsOf(ours);
      List<String> lines = Files.readAllLines(rig.hosts);
      assertThat(ClusterBootstrap.currentBlock(lines, LAB.value())).isEmpty();
      List<String> expected =
          new ArrayList<>(List.of("127.0.0.1\tlocalhost", ClusterBootstrapTest.FOREIGN_LINE));
      expected.addAll(OTHER_BLOCK);
      assertThat(lines).isEqualTo(expected);
      assertThat(rig.store.dir(LAB)).doesNotExist();
      VmDomain web = rig.hypervisor.domain("web01").orElseThrow();
      assertThat(web.xml()).isEqualTo(rig.foreignXml);
      assertThat(web.state()).isEqualTo(DomainState.RUNNING);
      assertThat(rig.hypervisor.domain(GOLDEN.value()).isPresent()).isEqualTo(!goldenGone);
      assertThat(rig.disks.exists(GOLDEN)).isEqualTo(!goldenGone);
      assertThat(rig.disks.findSnapshot(GOLDEN, "golden").isPresent()).isEqualTo(!goldenGone);
    }
  }

  private static void destroyAndCheck(Scene scene, String when) throws Exception {
    PlanResult result = run(scene.destroy.plan(scene.rig.manifest, false));
    assertThat(result.withStatus(StepStatus.FAILED)).as(when).isEmpty();
    scene.assertGone(false);
    // converged: nothing left to list, nothing to do
    assertThat(scene.destroy.listing(scene.rig.manifest, false).remove()).as(when).isEmpty();
    assertThat(scene.destroy.plan(scene.rig.manifest, false).ordered()).as(when).isEmpty();
  }

  @Test
  @DisplayName(
      "destroy after a bootstrap stopped after k steps, for every k: no object of the cluster is"
          + " left, every foreign one stays")
  void fromEveryPrefixOfBootstrap() throws Exception {
    int size = new Scene(tmp.resolve("probe"), 1).rig.plan().size();
    for (int k = 0; k <= size; k++) {
      Scene scene = new Scene(tmp.resolve("k-" + k), 1);
      Plan bootstrap = scene.rig.plan();
      PlanResult partial = run(PlanCuts.prefix(bootstrap, k));
      assertThat(partial.withStatus(StepStatus.FAILED)).as("first " + k + " steps").isEmpty();
      destroyAndCheck(scene, "after " + k + " steps of the bootstrap");
    }
  }

  @Test
  @DisplayName(
      "destroy after a bootstrap that failed at step k (the engine undid its run), for every k:"
          + " the same")
  void afterFailureAtEveryStep() throws Exception {
    List<String> ids =
        new Scene(tmp.resolve("probe"), 1).rig.plan().ordered().stream().map(Step::id).toList();
    int failed = 0;
    for (int k = 0; k < ids.size(); k++) {
      Scene scene = new Scene(tmp.resolve("k-" + k), 1);
      PlanResult result = run(PlanCuts.failingAt(scene.rig.plan(), ids.get(k)));
      failed += result.withStatus(StepStatus.FAILED).size();
      destroyAndCheck(scene, "after a failure at " + ids.get(k));
    }
    // every step had its failure but four done before any run: the host's two keys, and its two
    // interfaces (made to carry the foreign peers)
    assertThat(failed).isEqualTo(ids.size() - 4);
  }

  @Test
  @DisplayName(
      "a destroy itself stopped after k steps, for every k, is finished by the next run (isDone"
          + " observes absence)")
  void interruptedDestroyConverges() throws Exception {
    Scene probe = new Scene(tmp.resolve("probe"), 2);
    assertThat(run(probe.rig.plan()).withStatus(StepStatus.FAILED)).isEmpty();
    Plan full = probe.destroy.plan(probe.rig.manifest, false);
    List<String> ids = full.ordered().stream().map(Step::id).toList();
    assertThat(ids)
        .contains(
            "nodes/lab-cp/domain",
            "nodes/lab-cp/disk",
            "nodes/lab-cp/seed",
            "mesh/records",
            "mesh/mgmt/peers",
            "mesh/k8s/peers",
            "mesh/mgmt/file",
            "mesh/k8s/file",
            "hosts")
        .endsWith("state");
    assertThat(full.step("state").dependsOn()).hasSize(ids.size() - 1);
    assertThat(full.step("nodes/lab-w-1/disk").dependsOn()).containsExactly("nodes/lab-w-1/domain");
    for (int k = 0; k < ids.size(); k++) {
      Scene scene = new Scene(tmp.resolve("k-" + k), 2);
      assertThat(run(scene.rig.plan()).withStatus(StepStatus.FAILED)).isEmpty();
      Plan destroy = scene.destroy.plan(scene.rig.manifest, false);
      assertThat(run(PlanCuts.prefix(destroy, k)).withStatus(StepStatus.FAILED)).isEmpty();
      destroyAndCheck(scene, "after " + k + " steps of a destroy");
    }
  }

  @Test
  @DisplayName("the listing names every object of a built cluster, and what the plan does")
  void listing() throws Exception {
    Scene scene = new Scene(tmp, 1);
    assertThat(run(scene.rig.plan()).withStatus(StepStatus.FAILED)).isEmpty();
    Listing listing = scene.destroy.listing(scene.rig.manifest, false);
    assertThat(listing.cluster()).isEqualTo("lab");
    assertThat(listing.all()).isFalse();
    assertThat(listing.kept()).isEmpty();
    assertThat(listing.remove())
        .filteredOn(t -> !t.kind().equals("peer"))
        .containsExactly(
            new Target("domain", "lab-cp", "memory:/// (running)"),
            new Target("disk", "/dev/zvol/rpool/vms/lab-cp", "memory:///"),
            new Target("seed", scene.rig.bootstrap.seedIso("lab-cp").toString(), null),
            new Target("domain", "lab-w-1", "memory:/// (running)"),
            new Target("disk", "/dev/zvol/rpool/vms/lab-w-1", "memory:///"),
            new Target("seed", scene.rig.bootstrap.seedIso("lab-w-1").toString(), null),
            new Target("peer-record", "node 1", scene.rig.hostStore.dir().toString()),
            new Target("peer-record", "node 2", scene.rig.hostStore.dir().toString()),
            new Target(
                "wg-quick",
                "the nodes' [Peer] sections",
                scene.rig.wgDir.resolve("wg-mgmt.conf").toString()),
            new Target(
                "wg-quick",
                "the nodes' [Peer] sections",
                scene.rig.wgDir.resolve("wg-k8s.conf").toString()),
            new Target("hosts-block", "# kldload-k8s-cluster lab", scene.rig.hosts.toString()),
            new Target("state", scene.rig.store.dir(LAB).toString(), null));
    assertThat(listing.remove()).filteredOn(t -> t.kind().equals("peer")).hasSize(4);
    String text = ClusterDestroy.text(listing);
    assertThat(text)
        .startsWith("will remove (cluster lab, golden kept):\n")
        .contains("  domain lab-cp on memory:/// (running)\n")
        .doesNotContain("will keep");
    // a listing changes nothing
    assertThat(scene.rig.hypervisor.domain("lab-cp")).isPresent();
    assertThat(scene.rig.store.dir(LAB)).exists();
  }

  @Test
  @DisplayName(
      "a domain with a node's name but without our marks stays, with its disk and seed, and is"
          + " listed as kept; the rest of the cluster goes")
  void foreignDomainWithNodeName() throws Exception {
    Scene scene = new Scene(tmp, 1);
    ClusterBootstrapTest.Rig rig = scene.rig;
    ClusterFixtures.foreignDomain(rig, "lab-w-1");
    rig.disks.create(VmName.of("lab-w-1"), ByteSize.ofGigabytes(1));
    Path foreignSeed = rig.bootstrap.seedIso("lab-w-1");
    PrivateFiles.write(foreignSeed, "instance-id: someone-else\n");
    String xml = rig.hypervisor.domain("lab-w-1").orElseThrow().xml();
    // the control plane's chain only: lab-w-1's define would refuse the foreign domain
    Plan.Builder cp = Plan.builder("cp-only");
    rig.plan().ordered().stream().filter(s -> s.id().startsWith("clones/lab-cp/")).forEach(cp::add);
    assertThat(run(cp.build()).withStatus(StepStatus.FAILED)).isEmpty();

    Listing listing = scene.destroy.listing(rig.manifest, false);
    assertThat(listing.kept())
        .containsExactly(
            "domain lab-w-1 on memory:///: no kube-cluster marks for lab; left as it is, with its"
                + " disk and seed");
    assertThat(listing.remove()).extracting(Target::object).doesNotContain("lab-w-1");
    assertThat(ClusterDestroy.text(listing))
        .contains("will keep (not this cluster's):\n  domain lab-w-1 on memory:///");
    PlanResult result = run(scene.destroy.plan(rig.manifest, false));
    assertThat(result.withStatus(StepStatus.FAILED)).isEmpty();
    assertThat(rig.hypervisor.domain("lab-w-1").orElseThrow().xml()).isEqualTo(xml);
    assertThat(rig.disks.exists(VmName.of("lab-w-1"))).isTrue();
    assertThat(PrivateFiles.read(foreignSeed)).contains("instance-id: someone-else\n");
    assertThat(rig.hypervisor.domain("lab-cp")).isEmpty();
    assertThat(rig.disks.exists(VmName.of("lab-cp"))).isFalse();
    assertThat(rig.bootstrap.seedIso("lab-cp")).doesNotExist();
    assertThat(rig.store.dir(LAB)).doesNotExist();
  }

  @Test
  @DisplayName(
      "destroy --all refuses (exit 5, nothing changed) while a foreign clone of the golden exists;"
          + " without it, it removes the golden's domain, disk and snapshot too")
  void allRefusesForeignClone() throws Exception {
    Scene scene = new Scene(tmp, 1);
    ClusterBootstrapTest.Rig rig = scene.rig;
    assertThat(run(rig.plan()).withStatus(StepStatus.FAILED)).isEmpty();
    DiskBackend.DiskSnapshot snap = rig.disks.findSnapshot(GOLDEN, "golden").orElseThrow();
    VmName other = VmName.of("someone-else");
    rig.disks.cloneFrom(snap, other);
    for (boolean listing : List.of(true, false)) {
      assertThatThrownBy(
              () -> {
                if (listing) {
                  scene.destroy.listing(rig.manifest, true);
                } else {
                  scene.destroy.plan(rig.manifest, true);
                }
              })
          .isInstanceOfSatisfying(
              KldloadException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
                assertThat(e.exitCode().code()).isEqualTo(5);
                assertThat(e.getMessage())
                    .startsWith(
                        "golden k8s-golden@golden has clones that cluster lab does not own,"
                            + " nothing was changed: rpool/vms/someone-else");
                assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("kvm-delete"));
              });
    }
    assertThat(rig.hypervisor.domain("lab-cp")).isPresent();
    assertThat(rig.store.dir(LAB)).exists();

    rig.disks.destroy(other);
    Listing listing = scene.destroy.listing(rig.manifest, true);
    assertThat(listing.remove())
        .contains(
            new Target("golden-domain", "k8s-golden", "memory:/// (shut-off)"),
            new Target(
                "golden-disk", "/dev/zvol/rpool/vms/k8s-golden with its snapshots", "memory:///"));
    Plan plan = scene.destroy.plan(rig.manifest, true);
    assertThat(plan.step("golden/disk").dependsOn())
        .contains("golden/domain", "nodes/lab-cp/disk", "nodes/lab-w-1/disk");
    assertThat(run(plan).withStatus(StepStatus.FAILED)).isEmpty();
    scene.assertGone(true);
    assertThat(statuses(run(scene.destroy.plan(rig.manifest, true)))).isEmpty();
  }

  @Test
  @DisplayName(
      "a wg-quick file loses exactly the nodes' [Peer] sections: the result is what kube-network"
          + " writes for the peers left")
  void wgQuickPeers() throws Exception {
    WgPrivateKey own = WgPrivateKey.generate();
    List<PeerSpec> peers = new ArrayList<>();
    for (int id = 1; id <= 4; id++) {
      peers.add(
          new PeerSpec(
              NodeId.of(id),
              WgPrivateKey.generate().publicKey(),
              id == 3 ? Optional.empty() : Optional.of("192.168.122." + (10 + id) + ":51820"),
              List.of(Cidr.parse("10.250.0." + id + "/32")),
              id == 2 ? 25 : 0));
    }
    IfAddress address = IfAddress.parse("10.250.0.100/24");
    Path file = tmp.resolve("wg-mgmt.conf");
    PrivateFiles.write(
        file, new InterfaceConfig("wg-mgmt", own, 51820, address, 1420, peers).wgQuick());
    Set<WgKey> drop =
        Set.of(peers.get(0).publicKey(), peers.get(2).publicKey(), peers.get(3).publicKey());
    assertThat(WgQuickPeers.hasAny(file, drop)).isTrue();
    WgQuickPeers.remove(file, drop);
    assertThat(PrivateFiles.read(file))
        .contains(
            new InterfaceConfig("wg-mgmt", own, 51820, address, 1420, List.of(peers.get(1)))
                .wgQuick());
    assertThat(WgQuickPeers.hasAny(file, drop)).isFalse();
    WgQuickPeers.remove(file, Set.of(peers.get(1).publicKey()));
    assertThat(PrivateFiles.read(file))
        .contains(new InterfaceConfig("wg-mgmt", own, 51820, address, 1420, List.of()).wgQuick());
    assertThat(WgQuickPeers.hasAny(tmp.resolve("absent.conf"), drop)).isFalse();
  }

  @Test
  @DisplayName("recorded peers with other keys stay in the host's records; ours are forgotten")
  void recordedForeignPeerStays() throws Exception {
    Scene scene = new Scene(tmp, 1);
    ClusterBootstrapTest.Rig rig = scene.rig;
    assertThat(run(rig.plan()).withStatus(StepStatus.FAILED)).isEmpty();
    Map<PlaneKind, WgKey> keys = new EnumMap<>(PlaneKind.class);
    keys.put(PlaneKind.MGMT, scene.foreignPeers.get(PlaneKind.MGMT));
    MeshNode foreign = new MeshNode(NodeId.of(200), Endpoint.parse("192.0.2.9"), false, keys);
    List<MeshNode> recorded = new ArrayList<>(rig.hostStore.peers().nodes());
    recorded.add(foreign);
    rig.hostStore.savePeers(new Mesh(recorded));
    assertThat(run(scene.destroy.plan(rig.manifest, false)).withStatus(StepStatus.FAILED))
        .isEmpty();
    assertThat(rig.hostStore.peers().nodes()).containsExactly(foreign);
  }

  @Test
  @DisplayName("with the golden already gone, destroy and destroy --all still converge")
  void goldenAlreadyGone() throws Exception {
    Scene scene = new Scene(tmp, 1);
    ClusterBootstrapTest.Rig rig = scene.rig;
    // the seeds only: a golden with clones could not be removed by hand either
    Plan.Builder seeds = Plan.builder("seeds");
    rig.plan().ordered().stream().filter(st -> st.id().endsWith("/seed")).forEach(seeds::add);
    assertThat(run(seeds.build()).withStatus(StepStatus.APPLIED)).hasSize(2);
    rig.hypervisor.undefine(GOLDEN.value());
    rig.disks.destroy(GOLDEN);
    Listing listing = scene.destroy.listing(rig.manifest, true);
    assertThat(listing.remove())
        .extracting(Target::kind)
        .doesNotContain("golden-domain", "golden-disk");
    assertThat(run(scene.destroy.plan(rig.manifest, true)).withStatus(StepStatus.FAILED)).isEmpty();
    scene.assertGone(true);
  }

  @Test
  @DisplayName("a backend's dependents entry names its VM, for zvols (a dataset) and qcow2 files")
  void dependentVm() {
    assertThat(
            ClusterDestroy.dependentVm("rpool/vms/lab-w-1 (clone of rpool/vms/k8s-golden@golden)"))
        .isEqualTo("lab-w-1");
    assertThat(ClusterDestroy.dependentVm("lab-w-1 (/var/lib/kldload/disks/lab-w-1.qcow2)"))
        .isEqualTo("lab-w-1");
  }
}
