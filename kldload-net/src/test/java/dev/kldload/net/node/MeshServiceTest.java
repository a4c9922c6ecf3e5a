package dev.kldload.net.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.ProgressListener;
import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepOutcome;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.process.DryRunProcessRunner;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.Endpoint;
import dev.kldload.net.InMemoryHostNetwork;
import dev.kldload.net.InMemoryNameResolver;
import dev.kldload.net.InMemoryWireGuard;
import dev.kldload.net.Mesh;
import dev.kldload.net.MeshNode;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.PeerSpec;
import dev.kldload.net.Plane;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.TestKeys;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPeerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshServiceTest {
  @TempDir Path dir;
  private final InMemoryWireGuard wg = new InMemoryWireGuard();
  private final InMemoryNameResolver names = new InMemoryNameResolver();
  private final NetworkPlan plan = NetworkPlan.defaults();
  private MeshService service;
  private NodeStatusService status;

  @BeforeEach
  void setUp() {
    NodeStore store = new NodeStore(dir.resolve("state"));
    service =
        new MeshService(
            plan, store, wg, names, new DryRunProcessRunner(new SystemProcessRunner()), settings());
    status =
        new NodeStatusService(
            plan,
            store,
            wg,
            new InMemoryHostNetwork(),
            Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC));
  }

  private NodeSettings settings() {
    return new NodeSettings(
        dir.resolve("wireguard"),
        false,
        dir.resolve("kubelet"),
        dir.resolve("nftables.nft"),
        dir.resolve("units"));
  }

  private static PlanResult run(Plan plan) {
    PlanResult result = PlanEngine.quiet(1).run(plan, false);
    result.throwIfFailed();
    return result;
  }

  private static void assertNothingChanged(PlanResult result) {
    assertThat(result.outcomes())
        .allSatisfy(o -> assertThat(o.status()).as(o.stepId()).isEqualTo(StepStatus.ALREADY_DONE));
  }

  private static MeshNode node(int id, int mgmtKey, int k8sKey) {
    return new MeshNode(
        NodeId.of(id),
        Endpoint.parse("192.168.122." + (10 + id)),
        false,
        Map.of(
            PlaneKind.MGMT,
            TestKeys.publicKey(mgmtKey),
            PlaneKind.K8S,
            TestKeys.publicKey(k8sKey)));
  }

  @Test
  @DisplayName("init brings up both planes with a separate key each; a second init changes nothing")
  void initIdempotent() throws Exception {
    run(service.init(NodeId.of(1), false));
    WgDevice mgmt = wg.device("wg-mgmt").orElseThrow();
    WgDevice k8s = wg.device("wg-k8s").orElseThrow();
    assertThat(mgmt.addresses().get(0).toString()).isEqualTo("10.250.0.1/24");
    assertThat(k8s.addresses().get(0).toString()).isEqualTo("10.251.0.1/24");
    assertThat(mgmt.listenPort()).isEqualTo(51820);
    assertThat(k8s.listenPort()).isEqualTo(51821);
    assertThat(mgmt.mtu()).isEqualTo(1420);
    assertThat(mgmt.publicKey()).isNotEqualTo(k8s.publicKey());
    Path key = dir.resolve("state/net/keys/mgmt.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    Path conf = dir.resolve("wireguard/wg-mgmt.conf");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(conf)).contains("Address = 10.250.0.1/24", "MTU = 1420");
    assertNothingChanged(run(service.init(NodeId.of(1), false)));
    assertThat(service.keys().mgmtPublicKey()).isEqualTo(mgmt.publicKey().orElseThrow().base64());
    assertThat(Files.readString(dir.resolve("state/net/node.json"))).contains("\"id\" : 1");
  }

  @Test
  @DisplayName("init with another id is a conflict unless forced; keys survive the new id")
  void initOtherId() {
    run(service.init(NodeId.of(1), false));
    String key = service.keys().mgmtPublicKey();
    assertThatThrownBy(() -> service.init(NodeId.of(2), false))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
    run(service.init(NodeId.of(2), true));
    assertThat(service.keys().nodeId()).isEqualTo(2);
    assertThat(service.keys().mgmtPublicKey()).isEqualTo(key);
    assertThat(wg.device("wg-mgmt").orElseThrow().addresses().get(0).toString())
        .isEqualTo("10.250.0.2/24");
  }

  @Test
  @DisplayName("add-peer twice gives one peer (no duplicate); changing its endpoint updates it")
  void addPeerIdempotent() {
    run(service.init(NodeId.of(1), false));
    run(service.addPeer(node(2, 2, 3)));
    assertNothingChanged(run(service.addPeer(node(2, 2, 3))));
    assertThat(wg.device("wg-mgmt").orElseThrow().peers()).hasSize(1);
    assertThat(wg.device("wg-k8s").orElseThrow().peers()).hasSize(1);
    MeshNode moved =
        new MeshNode(
            NodeId.of(2),
            Endpoint.parse("192.168.122.99"),
            false,
            Map.of(PlaneKind.MGMT, TestKeys.publicKey(2), PlaneKind.K8S, TestKeys.publicKey(3)));
    run(service.addPeer(moved));
    assertThat(wg.device("wg-mgmt").orElseThrow().peers())
        .singleElement()
        .satisfies(p -> assertThat(p.endpoint()).contains("192.168.122.99:51820"));
  }

  @Test
  @DisplayName("add-peer with one plane's key configures that plane only")
  void onePlane() {
    run(service.init(NodeId.of(1), false));
    run(
        service.addPeer(
            new MeshNode(
                NodeId.of(100),
                Endpoint.parse("192.168.122.1"),
                true,
                Map.of(PlaneKind.MGMT, TestKeys.publicKey(4)))));
    assertThat(wg.device("wg-mgmt").orElseThrow().peers())
        .singleElement()
        .satisfies(p -> assertThat(p.keepalive()).isEqualTo(25));
    assertThat(wg.device("wg-k8s").orElseThrow().peers()).isEmpty();
  }

  @Test
  @DisplayName("remove-peer removes exactly that peer and leaves a foreign one")
  void removePeerLeavesForeign() {
    run(service.init(NodeId.of(1), false));
    run(service.addPeer(node(2, 2, 3)));
    run(service.addPeer(node(3, 4, 5)));
    WgKey foreign = TestKeys.publicKey(0);
    wg.updatePeers(
        "wg-mgmt",
        List.of(
            new PeerSpec(
                NodeId.of(50),
                foreign,
                Optional.empty(),
                List.of(Cidr.parse("10.250.0.50/32")),
                0)),
        Set.of());
    run(service.removePeer(NodeId.of(2)));
    assertThat(wg.device("wg-mgmt").orElseThrow().peers())
        .extracting(WgPeerState::publicKey)
        .containsExactlyInAnyOrder(TestKeys.publicKey(4), foreign);
    assertNothingChanged(run(service.removePeer(NodeId.of(2))));
    assertThat(status.status().planes().get(0).peers())
        .anySatisfy(
            p -> {
              assertThat(p.publicKey()).isEqualTo(foreign.base64());
              assertThat(p.managed()).isFalse();
              assertThat(p.stale()).isTrue();
            });
  }

  @Test
  @DisplayName("apply --mesh makes every other node a peer and drops peers the mesh no longer has")
  void applyMesh() {
    run(service.init(NodeId.of(1), false));
    MeshNode self =
        new MeshNode(
            NodeId.of(1),
            Endpoint.parse("192.168.122.11"),
            false,
            Map.of(
                PlaneKind.MGMT,
                WgKey.parse(service.keys().mgmtPublicKey()),
                PlaneKind.K8S,
                WgKey.parse(service.keys().k8sPublicKey())));
    run(service.applyMesh(new Mesh(List.of(self, node(2, 2, 3), node(3, 4, 5)))));
    assertThat(wg.device("wg-k8s").orElseThrow().peers()).hasSize(2);
    assertNothingChanged(
        run(service.applyMesh(new Mesh(List.of(self, node(2, 2, 3), node(3, 4, 5))))));
    run(service.applyMesh(new Mesh(List.of(self, node(3, 4, 5)))));
    assertThat(wg.device("wg-k8s").orElseThrow().peers())
        .extracting(WgPeerState::publicKey)
        .containsExactly(TestKeys.publicKey(5));
  }

  @Test
  @DisplayName("apply --mesh refuses a mesh without this node or with other keys for it")
  void applyMeshValidation() {
    run(service.init(NodeId.of(1), false));
    assertThatThrownBy(() -> service.applyMesh(new Mesh(List.of(node(2, 2, 3)))))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT));
    assertThatThrownBy(() -> service.applyMesh(new Mesh(List.of(node(1, 2, 3)))))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
  }

  @Test
  @DisplayName("peer commands before init are a precondition failure")
  void beforeInit() {
    assertThatThrownBy(() -> service.addPeer(node(2, 2, 3)))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION));
  }

  /** Ids of the steps with {@code status}, in plan order. */
  private static List<String> steps(PlanResult result, StepStatus status) {
    return result.withStatus(status).stream().map(StepOutcome::stepId).toList();
  }

  /** The dry-run's "would apply" steps, then the real run's applied ones: they must agree. */
  private static void assertDryRunShowsTheRun(Supplier<Plan> plan) {
    List<String> planned = steps(PlanEngine.quiet(1).run(plan.get(), true), StepStatus.PLANNED);
    List<String> applied = steps(run(plan.get()), StepStatus.APPLIED);
    assertThat(planned).isNotEmpty().isEqualTo(applied);
  }

  /** Runs a plan and returns the step notes it reported (what -v prints). */
  private static List<String> notes(Plan plan) {
    List<String> notes = new CopyOnWriteArrayList<>();
    PlanEngine engine =
        new PlanEngine(
            1,
            Optional.empty(),
            new ProgressListener() {
              @Override
              public void stepNote(Step step, String message) {
                notes.add(step.id() + ": " + message);
              }
            },
            new CancellationToken(),
            Clock.systemUTC());
    engine.run(plan, false).throwIfFailed();
    return notes;
  }

  private MeshNode self() {
    return new MeshNode(
        NodeId.of(1),
        Endpoint.parse("192.168.122.11"),
        false,
        Map.of(
            PlaneKind.MGMT,
            WgKey.parse(service.keys().mgmtPublicKey()),
            PlaneKind.K8S,
            WgKey.parse(service.keys().k8sPublicKey())));
  }

  @Test
  @DisplayName(
      "a dry-run of init, add-peer, remove-peer and apply lists every step the run applies")
  void dryRunShowsEveryStep() {
    assertDryRunShowsTheRun(() -> service.init(NodeId.of(1), false));
    assertDryRunShowsTheRun(() -> service.addPeer(node(2, 2, 3)));
    assertDryRunShowsTheRun(() -> service.addPeer(node(3, 4, 5)));
    assertDryRunShowsTheRun(() -> service.removePeer(NodeId.of(2)));
    assertDryRunShowsTheRun(() -> service.applyMesh(new Mesh(List.of(self(), node(2, 2, 3)))));
    assertDryRunShowsTheRun(() -> service.init(NodeId.of(7), true));
  }

  @Test
  @DisplayName("add-peer with one plane's key updates that plane and keeps the other")
  void partialUpdateKeepsOtherPlane() throws Exception {
    run(service.init(NodeId.of(1), false));
    run(service.addPeer(node(2, 2, 3)));
    run(
        service.addPeer(
            new MeshNode(
                NodeId.of(2),
                Endpoint.parse("192.168.122.12"),
                false,
                Map.of(PlaneKind.MGMT, TestKeys.publicKey(4)))));
    assertThat(wg.device("wg-mgmt").orElseThrow().peers())
        .extracting(WgPeerState::publicKey)
        .containsExactly(TestKeys.publicKey(4));
    assertThat(wg.device("wg-k8s").orElseThrow().peers())
        .extracting(WgPeerState::publicKey)
        .containsExactly(TestKeys.publicKey(3));
    assertThat(Files.readString(dir.resolve("wireguard/wg-k8s.conf")))
        .contains(TestKeys.publicKey(3).base64());
  }

  @Test
  @DisplayName(
      "a peer key equal to this node's private or public key, either plane, is refused unchanged")
  void ownKeysRefused() throws Exception {
    run(service.init(NodeId.of(1), false));
    Path peers = dir.resolve("state/net/peers.json");
    String mgmtPrivate = Files.readString(dir.resolve("state/net/keys/mgmt.key")).strip();
    String k8sPrivate = Files.readString(dir.resolve("state/net/keys/k8s.key")).strip();
    for (String key :
        List.of(
            mgmtPrivate,
            k8sPrivate,
            service.keys().mgmtPublicKey(),
            service.keys().k8sPublicKey())) {
      for (PlaneKind plane : PlaneKind.values()) {
        MeshNode peer =
            new MeshNode(
                NodeId.of(2),
                Endpoint.parse("192.168.122.12"),
                false,
                Map.of(plane, WgKey.parse(key)));
        assertThatThrownBy(() -> service.addPeer(peer))
            .isInstanceOfSatisfying(
                KldloadException.class,
                e -> {
                  assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT);
                  assertThat(e.getMessage()).contains("this node's").doesNotContain(key);
                });
        assertThatThrownBy(() -> service.applyMesh(new Mesh(List.of(self(), peer))))
            .isInstanceOfSatisfying(
                KldloadException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT));
      }
    }
    assertThat(peers).doesNotExist();
    assertThat(wg.device("wg-mgmt").orElseThrow().peers()).isEmpty();
  }

  @Test
  @DisplayName(
      "a peer named by DNS gets the address the name resolves to, and follows it when it moves")
  void endpointNamesResolved() throws Exception {
    run(service.init(NodeId.of(1), false));
    names.name("node2.lan", "192.168.122.12");
    MeshNode named =
        new MeshNode(
            NodeId.of(2),
            Endpoint.parse("node2.lan"),
            false,
            Map.of(PlaneKind.MGMT, TestKeys.publicKey(2), PlaneKind.K8S, TestKeys.publicKey(3)));
    assertThat(notes(service.addPeer(named)))
        .contains("peers-mgmt: wg-mgmt: node 2 endpoint node2.lan resolves to 192.168.122.12");
    assertThat(wg.device("wg-mgmt").orElseThrow().peers())
        .singleElement()
        .satisfies(p -> assertThat(p.endpoint()).contains("192.168.122.12:51820"));
    assertNothingChanged(run(service.addPeer(named)));
    names.name("node2.lan", "192.168.122.50");
    PlanResult moved = run(service.addPeer(named));
    assertThat(steps(moved, StepStatus.APPLIED)).containsExactly("peers-mgmt", "peers-k8s");
    assertThat(wg.device("wg-k8s").orElseThrow().peers())
        .singleElement()
        .satisfies(p -> assertThat(p.endpoint()).contains("192.168.122.50:51821"));
    assertThat(Files.readString(dir.resolve("wireguard/wg-mgmt.conf")))
        .contains("Endpoint = node2.lan:51820");
  }

  @Test
  @DisplayName("a peer name that does not resolve fails the plane with exit 7, naming the name")
  void unresolvableName() {
    run(service.init(NodeId.of(1), false));
    MeshNode named =
        new MeshNode(
            NodeId.of(2),
            Endpoint.parse("gone.lan"),
            false,
            Map.of(PlaneKind.MGMT, TestKeys.publicKey(2)));
    PlanResult result = PlanEngine.quiet(1).run(service.addPeer(named), false);
    assertThat(result.withStatus(StepStatus.FAILED))
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.stepId()).isEqualTo("peers-mgmt");
              assertThat(o.errorMessage()).contains("gone.lan", "does not resolve");
            });
    assertThat(result.exitCode().code()).isEqualTo(7);
  }

  @Test
  @DisplayName("the peers step notes each peer it sets or removes (shown with -v)")
  void peerNotes() {
    run(service.init(NodeId.of(1), false));
    assertThat(notes(service.addPeer(node(2, 2, 3))))
        .contains(
            "peers-mgmt: wg-mgmt: set node 2 at 192.168.122.12:51820",
            "peers-k8s: wg-k8s: set node 2 at 192.168.122.12:51821");
    assertThat(notes(service.removePeer(NodeId.of(2))))
        .contains("peers-mgmt: wg-mgmt: remove peer " + TestKeys.publicKey(2));
  }

  @Test
  @DisplayName(
      "join: a machine with no node id becomes the mesh's node with every other node as peer, in"
          + " one plan; a second join changes nothing")
  void joinFresh() throws Exception {
    NodeStore store = new NodeStore(dir.resolve("state"));
    MeshNode self =
        new MeshNode(
            NodeId.of(100),
            Endpoint.parse("192.168.122.1"),
            false,
            Map.of(
                PlaneKind.MGMT,
                store.createKey(PlaneKind.MGMT).publicKey(),
                PlaneKind.K8S,
                store.createKey(PlaneKind.K8S).publicKey()));
    Mesh mesh = new Mesh(List.of(node(1, 0, 1), node(2, 2, 3), self));
    Plan plan = service.join(NodeId.of(100), mesh);
    assertThat(store.node()).as("building the plan records nothing").isEmpty();
    run(plan);
    assertThat(store.node()).contains(new NodeStore.NodeRecord(NodeId.of(100), false));
    for (String name : List.of("wg-mgmt", "wg-k8s")) {
      WgDevice device = wg.device(name).orElseThrow();
      assertThat(device.peers()).hasSize(2);
      assertThat(device.addresses()).containsExactly(plane(name).address(NodeId.of(100)));
    }
    assertNothingChanged(run(service.join(NodeId.of(100), mesh)));
  }

  private Plane plane(String interfaceName) {
    return plan.planes().stream()
        .filter(p -> p.interfaceName().equals(interfaceName))
        .findFirst()
        .orElseThrow();
  }

  @Test
  @DisplayName("join as another id than the one recorded is a conflict (exit 5), nothing changed")
  void joinOtherId() {
    run(service.init(NodeId.of(7), false));
    NodeStore store = new NodeStore(dir.resolve("state"));
    MeshNode self =
        new MeshNode(
            NodeId.of(100),
            Endpoint.parse("192.168.122.1"),
            false,
            Map.of(PlaneKind.MGMT, store.requireKey(PlaneKind.MGMT).publicKey()));
    Mesh mesh = new Mesh(List.of(node(1, 0, 1), self));
    assertThatThrownBy(() -> service.join(NodeId.of(100), mesh))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
    assertThat(store.node()).contains(new NodeStore.NodeRecord(NodeId.of(7), false));
  }
}
