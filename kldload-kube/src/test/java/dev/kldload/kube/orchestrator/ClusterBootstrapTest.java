package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanCuts;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.ProgressListener;
import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepContext;
import dev.kldload.core.plan.StepOutcome;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.Programs;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.NodeId;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.ZvolBackend;
import dev.kldload.kvm.seed.NoCloudSeed;
import dev.kldload.kvm.xml.DomainDefinition;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.MacAddress;
import dev.kldload.kvm.xml.OsVariant;
import dev.kldload.net.InMemoryNameResolver;
import dev.kldload.net.InMemoryWireGuard;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.Plane;
import dev.kldload.net.WgDevice;
import dev.kldload.net.node.MeshService;
import dev.kldload.net.node.NodeSettings;
import dev.kldload.net.node.NodeStore;
import dev.kldload.zfs.InMemoryZfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bootstrap plan (clones and mesh) run by the real plan engine over the in-memory hypervisor,
 * the zvol backend on the in-memory ZFS and the in-memory WireGuard; seeds are written in the JVM
 * ({@link #FAKE_ISO}), and once with xorriso where it is installed.
 */
class ClusterBootstrapTest {
  static final ClusterName LAB = ClusterName.of("lab");
  static final String URI = "memory:///";
  static final VmName GOLDEN = VmName.of("k8s-golden");
  static final String FOREIGN_LINE = "192.168.1.5\tnas.example nas";

  @TempDir Path tmp;

  /** One host with a golden, a foreign domain, a hosts file with a foreign line, and a cluster. */
  static final class Rig {
    final NetworkPlan plan = NetworkPlan.defaults();
    final InMemoryHypervisor hypervisor = new InMemoryHypervisor();
    final InMemoryZfs zfs =
        InMemoryZfs.withPool(Clock.systemUTC(), "rpool", ByteSize.ofGigabytes(500));
    final ZvolBackend disks;
    final InMemoryWireGuard wireGuard = new InMemoryWireGuard();
    final ClusterStore store;
    final ClusterManifest manifest;
    final ClusterBootstrap bootstrap;
    final Path hosts;
    final Path seedDir;
    final Path wgDir;
    final NodeStore hostStore;
    final String foreignXml;

    Rig(Path dir, int workers, ClusterBootstrap.SeedWriter seedWriter) throws Exception {
      ProcessRunner runner = new SystemProcessRunner();
      zfs.createFilesystem(DatasetName.of("rpool/vms"), Map.of());
      disks =
          new ZvolBackend(
              zfs,
              DatasetName.of("rpool/vms"),
              runner,
              Clock.systemUTC(),
              "64K",
              p -> true,
              new CancellationToken());
      disks.create(GOLDEN, ByteSize.ofGigabytes(20));
      disks.snapshot(GOLDEN, "golden");
      hypervisor.define(
          DomainXmlWriter.write(
              spec(
                  GOLDEN,
                  new DomainMetadata(OWNER_GOLDEN, "golden", Optional.empty(), Optional.empty()))));
      VmName web = VmName.of("web01");
      hypervisor.define(DomainXmlWriter.write(spec(web, DomainMetadata.vm("kvm-create"))));
      hypervisor.start("web01");
      foreignXml = hypervisor.domain("web01").orElseThrow().xml();
      store = new ClusterStore(dir.resolve("state"));
      NodeSize cp = new NodeSize(ByteSize.ofMegabytes(4096), 4);
      NodeSize worker = new NodeSize(ByteSize.ofMegabytes(2048), 2);
      manifest =
          store.admit(
              new ClusterManifest(
                  LAB.value(),
                  "2026-11-30T00:00:00Z",
                  cp,
                  worker,
                  40L << 30,
                  SeedFixtures.ADMIN,
                  GOLDEN + "@golden",
                  List.of()),
              ClusterLayout.of(LAB, 1, workers, NodeId.of(100)),
              plan,
              r -> URI,
              SeedFixtures::fakeSshKeys);
      hostStore = new NodeStore(dir.resolve("host-net"));
      NodeSeeds seeds = new NodeSeeds(store, plan, HostPeer.fromNodeStore(plan, hostStore));
      wgDir = dir.resolve("wireguard");
      MeshService mesh =
          new MeshService(
              plan,
              hostStore,
              wireGuard,
              new InMemoryNameResolver(),
              runner,
              new NodeSettings(
                  wgDir,
                  false,
                  dir.resolve("kubelet"),
                  Path.of("/etc/kldload/nftables.nft"),
                  dir.resolve("units")));
      hosts = dir.resolve("hosts");
      Files.write(hosts, List.of("127.0.0.1\tlocalhost", FOREIGN_LINE));
      seedDir = dir.resolve("images");
      bootstrap =
          new ClusterBootstrap(
              plan,
              seeds,
              uri -> {
                assertThat(uri).isEqualTo(URI);
                return hypervisor;
              },
              uri -> disks,
              seedWriter,
              seedDir,
              mesh,
              hosts);
    }

    Plan plan() {
      return bootstrap.plan(manifest, new ClusterBootstrap.Golden(GOLDEN, "golden"));
    }

    private DomainSpec spec(VmName name, DomainMetadata marks) {
      return new DomainSpec(
          name,
          "qemu",
          ByteSize.ofMegabytes(1024),
          1,
          new DomainSpec.Bios(),
          List.of(disks.diskOf(name)),
          Optional.empty(),
          Optional.empty(),
          List.of(
              new DomainSpec.Nic(
                  DomainSpec.NicKind.NETWORK,
                  "default",
                  Optional.of(new MacAddress("52:54:00:aa:bb:0" + (name.equals(GOLDEN) ? 1 : 2))))),
          "127.0.0.1",
          marks,
          Optional.empty(),
          OsVariant.DEBIAN12);
    }

    /**
     * Asserts that every node is as the manifest recorded it: disk there, seed carrying its
     * instance-id and MAC (0600), domain defined with its MAC, our marks and its role's size,
     * running; the host in both planes with every node as peer; our hosts block; foreign things as
     * they were.
     */
    void assertConverged() throws Exception {
      for (NodeRecord node : manifest.nodes()) {
        VmName vm = VmName.of(node.name());
        assertThat(disks.exists(vm) && !disks.partial(vm)).as("disk of " + vm).isTrue();
        Path iso = bootstrap.seedIso(node.name());
        assertThat(NoCloudSeed.carries(iso, node.instanceId(), List.of(new MacAddress(node.mac()))))
            .as("seed of " + vm)
            .isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(iso)))
            .isEqualTo("rw-------");
        VmDomain domain = hypervisor.domain(node.name()).orElseThrow();
        assertThat(ClusterBootstrap.carriesMac(domain, new MacAddress(node.mac()))).isTrue();
        assertThat(domain.state()).isEqualTo(DomainState.RUNNING);
        DomainDefinition def = DomainDefinition.parse(domain.xml());
        assertThat(def.uuid()).isNotEqualTo(hypervisor.domain(GOLDEN.value()).orElseThrow().uuid());
        DomainMetadata marks = def.metadata().orElseThrow();
        assertThat(marks.owner()).isEqualTo(ClusterBootstrap.OWNER);
        assertThat(marks.cluster()).contains(LAB.value());
        assertThat(marks.role()).isEqualTo(node.role() == Role.CONTROL_PLANE ? "cp" : "worker");
        NodeSize size =
            node.role() == Role.CONTROL_PLANE ? manifest.controlPlaneSize() : manifest.workerSize();
        assertThat(domain.memoryKib()).isEqualTo(size.memory().bytes() / 1024);
        assertThat(domain.vcpus()).isEqualTo(size.cpus());
        assertThat(def.dataDisks()).hasSize(1);
        assertThat(def.dataDisks().get(0).source()).contains(disks.diskOf(vm).path());
        assertThat(def.disks().stream().filter(DomainDefinition.DiskEntry::isCdrom).toList())
            .singleElement()
            .satisfies(cd -> assertThat(cd.source()).contains(iso));
      }
      for (Plane plane : plan.planes()) {
        WgDevice device = wireGuard.device(plane.interfaceName()).orElseThrow();
        assertThat(device.addresses()).contains(plane.address(plan.hostId()));
        assertThat(device.peers()).hasSize(manifest.nodes().size());
      }
      List<String> lines = Files.readAllLines(hosts);
      assertThat(lines).startsWith("127.0.0.1\tlocalhost", FOREIGN_LINE);
      assertThat(ClusterBootstrap.currentBlock(lines, LAB.value()))
          .isEqualTo(ClusterBootstrap.hostsBlock(manifest));
      assertForeignKept();
    }

    /** The foreign domain, running as it was; the hosts file's foreign lines. */
    void assertForeignKept() throws Exception {
      VmDomain web = hypervisor.domain("web01").orElseThrow();
      assertThat(web.xml()).isEqualTo(foreignXml);
      assertThat(web.state()).isEqualTo(DomainState.RUNNING);
      assertThat(hypervisor.domain(GOLDEN.value())).isPresent();
      assertThat(Files.readAllLines(hosts)).contains("127.0.0.1\tlocalhost", FOREIGN_LINE);
    }

    /**
     * Nothing of the nodes is left: no domain, disk, seed or hosts block; on this host, which was
     * in no mesh, no WireGuard interface, wg-quick file or recorded peer either.
     */
    void assertNoNodes() throws Exception {
      for (NodeRecord node : manifest.nodes()) {
        assertThat(hypervisor.domain(node.name())).as("domain " + node.name()).isEmpty();
        assertThat(disks.exists(VmName.of(node.name()))).as("disk " + node.name()).isFalse();
        assertThat(bootstrap.seedIso(node.name())).doesNotExist();
      }
      assertThat(ClusterBootstrap.currentBlock(Files.readAllLines(hosts), LAB.value())).isEmpty();
      for (Plane plane : plan.planes()) {
        assertThat(wireGuard.device(plane.interfaceName())).as(plane.interfaceName()).isEmpty();
        assertThat(wgDir.resolve(plane.interfaceName() + ".conf")).doesNotExist();
      }
      assertThat(hostStore.peers().nodes()).isEmpty();
      assertForeignKept();
    }
  }

  static final String OWNER_GOLDEN = "kube-cluster";

  /**
   * Stands in for xorriso: an ISO 9660 volume holds the seed's small files as they are, so the
   * files' text in one 0600 file is what {@link NoCloudSeed#carries} reads.
   */
  static final ClusterBootstrap.SeedWriter FAKE_ISO =
      (request, iso) ->
          PrivateFiles.write(
              iso,
              NoCloudSeed.metaData(request)
                  + NoCloudSeed.userData(request)
                  + NoCloudSeed.networkConfig(request).orElse(""));

  static ClusterBootstrap.SeedWriter realIso() {
    return new NoCloudSeed(new SystemProcessRunner())::writeIso;
  }

  static boolean isoToolInstalled() {
    return Programs.which("xorriso").isPresent() || Programs.which("genisoimage").isPresent();
  }

  static PlanEngine engine(CancellationToken token) {
    return new PlanEngine(32, Optional.empty(), ProgressListener.NONE, token, Clock.systemUTC());
  }

  static PlanResult run(Plan plan) {
    return run(plan, false);
  }

  static PlanResult run(Plan plan, boolean dryRun) {
    return engine(new CancellationToken()).run(plan, dryRun);
  }

  static Set<StepStatus> statuses(PlanResult result) {
    return result.outcomes().stream().map(StepOutcome::status).collect(Collectors.toSet());
  }

  @Test
  @DisplayName(
      "1 CP + 5 workers: each node's chain disk, seed -> define -> start; nodes independent;"
          + " the host joins after every node started")
  void dag() throws Exception {
    Rig rig = new Rig(tmp, 5, FAKE_ISO);
    Plan plan = rig.plan();
    List<String> nodes = rig.manifest.nodes().stream().map(NodeRecord::name).toList();
    assertThat(nodes)
        .containsExactly("lab-cp", "lab-w-1", "lab-w-2", "lab-w-3", "lab-w-4", "lab-w-5");
    List<String> ids = plan.ordered().stream().map(Step::id).toList();
    List<String> starts = new ArrayList<>();
    for (String node : nodes) {
      String p = "clones/" + node + "/";
      assertThat(plan.step(p + "disk").dependsOn()).isEmpty();
      assertThat(plan.step(p + "seed").dependsOn()).isEmpty();
      assertThat(plan.step(p + "define").dependsOn())
          .containsExactlyInAnyOrder(p + "disk", p + "seed");
      assertThat(plan.step(p + "start").dependsOn()).containsExactly(p + "define");
      assertThat(ids.indexOf(p + "define")).isGreaterThan(ids.indexOf(p + "disk"));
      assertThat(ids.indexOf(p + "start")).isGreaterThan(ids.indexOf(p + "define"));
      // no step of a node waits on another node
      for (String suffix : List.of("disk", "seed", "define", "start")) {
        assertThat(plan.dependentsOf(p + suffix))
            .allMatch(d -> d.startsWith(p) || d.startsWith("mesh/"));
      }
      for (String suffix : List.of("disk", "seed", "define")) {
        assertThat(plan.step(p + suffix).reversible()).as(p + suffix).isTrue();
        assertThat(plan.step(p + suffix).creates()).as(p + suffix).isNotEmpty();
      }
      starts.add(p + "start");
    }
    assertThat(ids).filteredOn(i -> i.startsWith("clones/")).hasSize(4 * nodes.size());
    List<String> mesh = ids.stream().filter(i -> i.startsWith("mesh/")).toList();
    assertThat(mesh).contains("mesh/host-join/node-id", "mesh/etc-hosts");
    assertThat(mesh).allMatch(i -> i.startsWith("mesh/host-join/") || i.equals("mesh/etc-hosts"));
    assertThat(ids).hasSize(4 * nodes.size() + mesh.size());
    for (String m : mesh) {
      Step step = plan.step(m);
      if (m.startsWith("mesh/host-join/")
          && step.dependsOn().stream().noneMatch(d -> d.startsWith("mesh/"))) {
        assertThat(step.dependsOn()).containsExactlyInAnyOrderElementsOf(starts);
      }
    }
    assertThat(plan.step("mesh/etc-hosts").dependsOn())
        .allMatch(d -> d.startsWith("mesh/host-join/"));
    assertThat(plan.dependentsOf(starts.get(0))).containsAll(mesh);
  }

  @Test
  @DisplayName("the six nodes' seeds are written at the same time: nodes run in parallel")
  void parallel() throws Exception {
    // every seed write waits until all six are under way: only parallel nodes get past it
    CyclicBarrier barrier = new CyclicBarrier(6);
    ClusterBootstrap.SeedWriter gated =
        (request, iso) -> {
          try {
            barrier.await(20, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException("seed writes did not overlap: " + e, e);
          }
          FAKE_ISO.write(request, iso);
        };
    Rig rig = new Rig(tmp, 5, gated);
    PlanResult result = run(rig.plan());
    assertThat(result.withStatus(StepStatus.FAILED)).isEmpty();
    assertThat(result.outcomes())
        .filteredOn(o -> o.stepId().startsWith("clones/"))
        .hasSize(24)
        .allSatisfy(o -> assertThat(o.status()).as(o.stepId()).isEqualTo(StepStatus.APPLIED));
    rig.assertConverged();
  }

  @Test
  @DisplayName("with real seed ISOs (xorriso): 1 CP + 5 workers converge, a second run is all done")
  void realSeedIsos() throws Exception {
    Requirements.require(isoToolInstalled(), "xorriso or genisoimage (Debian package xorriso)");
    Rig rig = new Rig(tmp, 5, realIso());
    assertThat(run(rig.plan()).withStatus(StepStatus.FAILED)).isEmpty();
    rig.assertConverged();
    assertThat(statuses(run(rig.plan()))).containsOnly(StepStatus.ALREADY_DONE);
  }

  @Test
  @DisplayName("a run converges; a second run is all 'already done' and changes nothing")
  void idempotent() throws Exception {
    Rig rig = new Rig(tmp, 5, FAKE_ISO);
    PlanResult first = run(rig.plan());
    assertThat(first.withStatus(StepStatus.FAILED)).isEmpty();
    rig.assertConverged();
    Map<String, String> xml = domainXml(rig);
    List<String> hosts = Files.readAllLines(rig.hosts);
    PlanResult second = run(rig.plan());
    assertThat(statuses(second)).containsOnly(StepStatus.ALREADY_DONE);
    assertThat(domainXml(rig)).isEqualTo(xml);
    assertThat(Files.readAllLines(rig.hosts)).isEqualTo(hosts);
    rig.assertConverged();
  }

  @Test
  @DisplayName(
      "1 CP + 5 workers, a failure at any step: the engine undoes the run's nodes, foreign domains and hosts lines"
          + " stay, and a re-run converges to the recorded domains, MACs and seeds")
  void failureAtEveryStep() throws Exception {
    List<String> ids =
        new Rig(tmp.resolve("probe"), 5, FAKE_ISO).plan().ordered().stream().map(Step::id).toList();
    int n = 0;
    int injected = 0;
    for (String id : ids) {
      Rig rig = new Rig(tmp.resolve("fail-" + n++), 5, FAKE_ISO);
      Plan plan = rig.plan();
      if (plan.step(id).isDone(new StepContext(id, new CancellationToken(), m -> {}))) {
        // done before any run (the host's keys, made when the plan was built): never applied
        continue;
      }
      PlanResult failed = run(PlanCuts.failingAt(plan, id));
      assertThat(failed.outcomes())
          .filteredOn(o -> o.stepId().equals(id))
          .singleElement()
          .satisfies(o -> assertThat(o.status()).as(id).isEqualTo(StepStatus.FAILED));
      assertThat(failed.interrupted()).isFalse();
      assertThat(failed.withStatus(StepStatus.UNDO_FAILED)).as(id).isEmpty();
      rig.assertNoNodes();
      PlanResult again = run(rig.plan());
      assertThat(again.withStatus(StepStatus.FAILED)).as("re-run after " + id).isEmpty();
      assertThat(again.withStatus(StepStatus.CANCELLED)).as("re-run after " + id).isEmpty();
      rig.assertConverged();
      injected++;
    }
    // every clone step and every host-join step but the two keys (made when the plan was built)
    assertThat(injected).isEqualTo(ids.size() - 2);
  }

  @Test
  @DisplayName("an interrupt keeps what was done; the re-run resumes from it and converges")
  void interruption() throws Exception {
    Rig rig = new Rig(tmp, 5, FAKE_ISO);
    CancellationToken token = new CancellationToken();
    String cut = "clones/lab-w-3/define";
    Plan plan = PlanCuts.interruptedAt(rig.plan(), cut, token);
    PlanResult interrupted = engine(token).run(plan, false);
    assertThat(interrupted.interrupted()).isTrue();
    assertThat(interrupted.undone()).isEmpty();
    List<String> applied =
        interrupted.withStatus(StepStatus.APPLIED).stream().map(StepOutcome::stepId).toList();
    assertThat(applied).contains("clones/lab-w-3/disk", "clones/lab-w-3/seed");
    assertThat(rig.disks.exists(VmName.of("lab-w-3"))).isTrue();
    assertThat(rig.bootstrap.seedIso("lab-w-3")).exists();
    assertThat(rig.hypervisor.domain("lab-w-3")).isEmpty();
    rig.assertForeignKept();

    PlanResult resumed = run(rig.plan());
    assertThat(resumed.withStatus(StepStatus.FAILED)).isEmpty();
    List<String> skipped =
        resumed.withStatus(StepStatus.ALREADY_DONE).stream().map(StepOutcome::stepId).toList();
    assertThat(skipped).containsAll(applied);
    assertThat(resumed.withStatus(StepStatus.APPLIED))
        .extracting(StepOutcome::stepId)
        .contains(cut);
    rig.assertConverged();
  }

  @Test
  @DisplayName("no golden, or a golden without its snapshot: refused with exit 6 before any step")
  void missingGolden() throws Exception {
    Rig rig = new Rig(tmp, 1, FAKE_ISO);
    assertThatThrownBy(
            () ->
                rig.bootstrap.plan(
                    rig.manifest, new ClusterBootstrap.Golden(VmName.of("none"), "golden")))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION);
              assertThat(e.hint())
                  .hasValueSatisfying(h -> assertThat(h).contains("kube-cluster golden"));
            });
    assertThatThrownBy(
            () -> rig.bootstrap.plan(rig.manifest, new ClusterBootstrap.Golden(GOLDEN, "other")))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION));
    assertThat(rig.hypervisor.domains())
        .extracting(VmDomain::name)
        .containsExactly("k8s-golden", "web01");
  }

  @Test
  @DisplayName("a foreign domain with a node's name is a conflict, and it is left as it was")
  void foreignDomainWithNodeName() throws Exception {
    Rig rig = new Rig(tmp, 1, FAKE_ISO);
    rig.hypervisor.define(
        DomainXmlWriter.write(rig.spec(VmName.of("lab-w-1"), DomainMetadata.vm("kvm-create"))));
    String xml = rig.hypervisor.domain("lab-w-1").orElseThrow().xml();
    PlanResult result = run(rig.plan());
    assertThat(result.outcomes())
        .filteredOn(o -> o.stepId().equals("clones/lab-w-1/define"))
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.status()).isEqualTo(StepStatus.FAILED);
              assertThat(o.error().orElseThrow())
                  .isInstanceOfSatisfying(
                      KldloadException.class,
                      e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
            });
    assertThat(rig.hypervisor.domain("lab-w-1").orElseThrow().xml()).isEqualTo(xml);
    assertThat(rig.hypervisor.domain("lab-cp")).isEmpty();
    rig.assertForeignKept();
  }

  @Test
  @DisplayName("a dry-run lists every step as to be applied and changes nothing")
  void dryRun() throws Exception {
    Rig rig = new Rig(tmp, 2, FAKE_ISO);
    List<String> hosts = Files.readAllLines(rig.hosts);
    PlanResult result = run(rig.plan(), true);
    assertThat(result.outcomes())
        .filteredOn(o -> !o.stepId().startsWith("mesh/host-join/key-"))
        .allSatisfy(o -> assertThat(o.status()).as(o.stepId()).isEqualTo(StepStatus.PLANNED));
    assertThat(rig.hypervisor.domains())
        .extracting(VmDomain::name)
        .containsExactly("k8s-golden", "web01");
    assertThat(rig.seedDir).doesNotExist();
    assertThat(Files.readAllLines(rig.hosts)).isEqualTo(hosts);
    rig.assertNoNodes();
  }

  @Test
  @DisplayName(
      "the hosts block is replaced in place; lines outside it and another cluster's block stay")
  void hostsBlock() {
    List<String> other =
        List.of(
            ClusterBootstrap.beginMarker("prod"),
            "10.250.0.1\tprod-cp",
            ClusterBootstrap.endMarker("prod"));
    List<String> old =
        List.of(
            ClusterBootstrap.beginMarker("lab"),
            "10.250.0.9\tgone",
            ClusterBootstrap.endMarker("lab"));
    List<String> lines = new ArrayList<>(List.of("127.0.0.1\tlocalhost"));
    lines.addAll(old);
    lines.addAll(other);
    lines.add(FOREIGN_LINE);
    List<String> block =
        List.of(
            ClusterBootstrap.beginMarker("lab"),
            "10.250.0.1\tlab-cp",
            ClusterBootstrap.endMarker("lab"));
    List<String> replaced = ClusterBootstrap.replaceBlock(lines, "lab", block);
    List<String> expected = new ArrayList<>(List.of("127.0.0.1\tlocalhost"));
    expected.addAll(block);
    expected.addAll(other);
    expected.add(FOREIGN_LINE);
    assertThat(replaced).isEqualTo(expected);
    assertThat(ClusterBootstrap.currentBlock(replaced, "prod")).isEqualTo(other);
    List<String> removed = ClusterBootstrap.replaceBlock(replaced, "lab", List.of());
    assertThat(removed).doesNotContainAnyElementsOf(block);
    assertThat(removed)
        .containsExactly(
            "127.0.0.1\tlocalhost", other.get(0), other.get(1), other.get(2), FOREIGN_LINE);
  }

  @Test
  @DisplayName("clone phase wall clock, 10 workers over 1 worker, on the fakes (reported)")
  void clonePhaseRatio(TestReporter reporter) throws Exception {
    // warm-up: class loading and the first xorriso start; then the best of three of each
    clonePhase(new Rig(tmp.resolve("warm"), 1, FAKE_ISO));
    long one = Long.MAX_VALUE;
    long ten = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      one = Math.min(one, clonePhase(new Rig(tmp.resolve("one-" + i), 1, FAKE_ISO)));
      ten = Math.min(ten, clonePhase(new Rig(tmp.resolve("ten-" + i), 10, FAKE_ISO)));
    }
    double ratio = (double) ten / one;
    String line =
        String.format(
            "clone phase (disk, seed, define, start) on the fakes, in-JVM seeds, best of 3: 1 CP + 1 worker %d ms,"
                + " 1 CP + 10 workers %d ms, ratio %.2f (goal <= 1.3; %d cores)",
            one, ten, ratio, Runtime.getRuntime().availableProcessors());
    report(reporter, line);
    if (isoToolInstalled()) {
      clonePhase(new Rig(tmp.resolve("warm-real"), 1, realIso()));
      long realOne = Long.MAX_VALUE;
      long realTen = Long.MAX_VALUE;
      for (int i = 0; i < 3; i++) {
        realOne = Math.min(realOne, clonePhase(new Rig(tmp.resolve("r1-" + i), 1, realIso())));
        realTen = Math.min(realTen, clonePhase(new Rig(tmp.resolve("r10-" + i), 10, realIso())));
      }
      report(
          reporter,
          String.format(
              "the same with real seed ISOs (one xorriso per node): %d ms, %d ms, ratio %.2f",
              realOne, realTen, (double) realTen / realOne));
    }
    assertThat(one).isPositive();
  }

  private static void report(TestReporter reporter, String line) {
    reporter.publishEntry("clone-phase", line);
    // surefire keeps no report entries: the console shows it
    System.err.println(line);
  }

  private static long clonePhase(Rig rig) {
    Plan full = rig.plan();
    Plan.Builder clones = Plan.builder(full.name());
    full.ordered().stream().filter(s -> s.id().startsWith("clones/")).forEach(clones::add);
    long start = System.nanoTime();
    PlanResult result = run(clones.build());
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(result.withStatus(StepStatus.FAILED)).isEmpty();
    return Math.max(ms, 1);
  }

  private static Map<String, String> domainXml(Rig rig) {
    Map<String, String> out = new TreeMap<>();
    rig.hypervisor.domains().forEach(d -> out.put(d.name(), d.xml()));
    return out;
  }
}
