package dev.kldload.net.node;

import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.IfAddress;
import dev.kldload.net.InterfaceConfig;
import dev.kldload.net.Mesh;
import dev.kldload.net.MeshNode;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.PeerSpec;
import dev.kldload.net.Plane;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPrivateKey;
import dev.kldload.net.WireGuard;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * This machine's place in the mesh ({@code kube-network init, add-peer, remove-peer, apply}): every
 * mutation is a plan of idempotent steps that observe the running interfaces, so a second run with
 * the same input changes nothing.
 */
public final class MeshService {
  private final NetworkPlan plan;
  private final NodeStore store;
  private final WireGuard wireGuard;
  private final Systemd systemd;
  private final NodeSettings settings;

  public MeshService(
      NetworkPlan plan,
      NodeStore store,
      WireGuard wireGuard,
      ProcessRunner runner,
      NodeSettings settings) {
    this.plan = plan;
    this.store = store;
    this.wireGuard = wireGuard;
    this.systemd = new Systemd(runner);
    this.settings = settings;
  }

  public NetworkPlan plan() {
    return plan;
  }

  // ---------------------------------------------------------------- init

  /**
   * Gives this machine its node id, one key pair per plane, and both interfaces with their
   * addresses, MTU and the peers already recorded. Re-running with the same id changes nothing; a
   * different id needs {@code force} (keys are kept).
   */
  public Plan init(NodeId id, boolean force) {
    Optional<NodeStore.NodeRecord> existing = store.node();
    if (existing.isPresent() && !existing.get().id().equals(id) && !force) {
      throw KldloadException.conflict(
          "this machine is already node " + existing.get().id() + ", not " + id,
          "use 'kube-network init " + id + " --force' to change its id (keys are kept)");
    }
    boolean nat = existing.map(NodeStore.NodeRecord::nat).orElse(false);
    Plan.Builder builder = Plan.builder("kube-network-init");
    builder.add(
        Step.named("node-id")
            .description("record this machine as node " + id + " in " + store.dir())
            .doneWhen(c -> store.node().map(n -> n.id().equals(id)).orElse(false))
            .apply(c -> store.saveNode(new NodeStore.NodeRecord(id, nat))));
    for (Plane plane : plan.planes()) {
      builder.add(
          Step.named("key-" + plane.kind().id())
              .description("generate the " + plane.interfaceName() + " key pair (0600)")
              .creates(store.keyFile(plane.kind()).toString())
              .doneWhen(c -> store.key(plane.kind()).isPresent())
              .apply(c -> store.createKey(plane.kind())));
    }
    addPlaneSteps(builder, List.of("node-id", "key-mgmt", "key-k8s"));
    return builder.build();
  }

  // ---------------------------------------------------------------- peers

  /** Adds or updates one peer by id (never a duplicate) on the planes it has keys for. */
  public Plan addPeer(MeshNode peer) {
    NodeStore.NodeRecord self = store.requireNode();
    if (peer.keys().isEmpty()) {
      throw KldloadException.invalid(
          "peer " + peer.id() + " has no key", "give --mgmt-key KEY, --k8s-key KEY or both");
    }
    if (peer.id().equals(self.id())) {
      throw KldloadException.invalid(
          "peer id " + peer.id() + " is this node's own id", "give the other node's id");
    }
    for (PlaneKind kind : PlaneKind.values()) {
      Optional<WgKey> own = store.key(kind).map(WgPrivateKey::publicKey);
      if (own.isPresent() && peer.key(kind).equals(own)) {
        throw KldloadException.invalid(
            "peer " + peer.id() + " has this node's own " + kind.id() + " key",
            "give the other node's public key ('kube-network show-keys' on that node)");
      }
    }
    List<MeshNode> nodes = new ArrayList<>(store.peers().nodes());
    nodes.removeIf(n -> n.id().equals(peer.id()));
    nodes.add(peer);
    Mesh desired = new Mesh(nodes);
    Plan.Builder builder = Plan.builder("kube-network-add-peer");
    builder.add(recordPeers("record-peers", "record peer " + peer.id(), desired));
    addPlaneSteps(builder, List.of("record-peers"));
    return builder.build();
  }

  /** Removes one peer we manage; a peer we never added is "nothing to do". */
  public Plan removePeer(NodeId id) {
    store.requireNode();
    List<MeshNode> nodes = new ArrayList<>(store.peers().nodes());
    nodes.removeIf(n -> n.id().equals(id));
    Plan.Builder builder = Plan.builder("kube-network-remove-peer");
    builder.add(recordPeers("record-peers", "forget peer " + id, new Mesh(nodes)));
    addPlaneSteps(builder, List.of("record-peers"));
    return builder.build();
  }

  /**
   * Reconciles this node with the whole mesh: it must list this node with this node's public keys;
   * every other node becomes a peer; peers we added earlier and the mesh no longer lists go.
   */
  public Plan applyMesh(Mesh mesh) {
    NodeStore.NodeRecord self = store.requireNode();
    MeshNode me =
        mesh.node(self.id())
            .orElseThrow(
                () ->
                    KldloadException.invalid(
                        "the mesh has no node " + self.id() + " (this machine)",
                        "add this node, or run 'kube-network init ID' with its id in the mesh"));
    for (PlaneKind kind : PlaneKind.values()) {
      Optional<WgKey> own = store.key(kind).map(WgPrivateKey::publicKey);
      if (me.key(kind).isPresent() && !me.key(kind).equals(own)) {
        throw KldloadException.conflict(
            "the mesh gives node " + self.id() + " a " + kind.id() + " key that is not this node's",
            "update the mesh with this node's keys ('kube-network show-keys')");
      }
    }
    List<MeshNode> others = mesh.nodes().stream().filter(n -> !n.id().equals(self.id())).toList();
    Plan.Builder builder = Plan.builder("kube-network-apply");
    builder.add(
        Step.named("record-self")
            .description("record node " + self.id() + (me.nat() ? " (behind NAT)" : ""))
            .doneWhen(c -> store.node().map(n -> n.nat() == me.nat()).orElse(false))
            .apply(c -> store.saveNode(new NodeStore.NodeRecord(self.id(), me.nat()))));
    builder.add(
        recordPeersBuilder("record-peers", "record " + others.size() + " peers", new Mesh(others))
            .after("record-self")
            .apply(c -> store.savePeers(new Mesh(others))));
    addPlaneSteps(builder, List.of("record-peers"));
    return builder.build();
  }

  private Step recordPeers(String id, String description, Mesh desired) {
    return recordPeersBuilder(id, description, desired).apply(c -> store.savePeers(desired));
  }

  private dev.kldload.core.plan.StepBuilder recordPeersBuilder(
      String id, String description, Mesh desired) {
    return Step.named(id).description(description).doneWhen(c -> store.peers().equals(desired));
  }

  // ---------------------------------------------------------------- per plane

  /** Interface, key and port, address and MTU, peers, the wg-quick file, the boot unit. */
  private void addPlaneSteps(Plan.Builder builder, List<String> after) {
    boolean units = Systemd.bootUnits(settings);
    for (Plane plane : plan.planes()) {
      String p = plane.kind().id();
      String name = plane.interfaceName();
      builder.add(
          Step.named("link-" + p)
              .description("create WireGuard interface " + name)
              .after(after)
              .creates("link " + name)
              .doneWhen(c -> wireGuard.device(name).isPresent())
              .apply(c -> wireGuard.create(name)));
      builder.add(
          Step.named("key-port-" + p)
              .description("set " + name + "'s private key and UDP port " + plane.port())
              .after("link-" + p)
              .doneWhen(
                  c ->
                      wireGuard
                          .device(name)
                          .map(
                              d ->
                                  d.listenPort() == plane.port()
                                      && d.publicKey()
                                          .equals(Optional.of(privateKey(plane).publicKey())))
                          .orElse(false))
              .apply(c -> wireGuard.configure(name, privateKey(plane), plane.port())));
      builder.add(
          Step.named("address-" + p)
              .description("address, MTU " + plan.wireguardMtu() + " and up for " + name)
              .after("link-" + p)
              .doneWhen(c -> wireGuard.device(name).map(d -> addressed(d, plane)).orElse(false))
              .apply(c -> wireGuard.setAddress(name, address(plane), plan.wireguardMtu())));
      builder.add(
          Step.named("peers-" + p)
              .description("reconcile " + name + "'s peers (ours only)")
              .after("key-port-" + p)
              .doneWhen(
                  c ->
                      peerDiff(plane).empty()
                          && store.owned(plane.kind()).equals(desiredKeys(plane)))
              .apply(
                  c -> {
                    PeerDiff diff = peerDiff(plane);
                    if (!diff.empty()) {
                      c.note(
                          name
                              + ": "
                              + diff.upsert().size()
                              + " to set, "
                              + diff.remove().size()
                              + " to remove");
                    }
                    wireGuard.updatePeers(name, diff.upsert(), diff.remove());
                    store.saveOwned(plane.kind(), desiredKeys(plane));
                  }));
      Path file = settings.wireguardDir().resolve(name + ".conf");
      builder.add(
          Step.named("persist-" + p)
              .description("write " + file + " (0600) so " + name + " comes back after reboot")
              .after(after)
              .creates(file.toString())
              .doneWhen(c -> PrivateFiles.read(file).equals(Optional.of(config(plane).wgQuick())))
              .apply(c -> PrivateFiles.write(file, config(plane).wgQuick())));
      if (units) {
        String unit = "wg-quick@" + name;
        builder.add(
            Step.named("boot-" + p)
                .description("enable " + unit + " for boot")
                .after("persist-" + p)
                .nonCritical()
                .doneWhen(c -> systemd.enabled(unit))
                .apply(c -> systemd.run("enable", unit)));
      }
    }
  }

  private WgPrivateKey privateKey(Plane plane) {
    return store.requireKey(plane.kind());
  }

  private NodeId nodeId() {
    return requireNodeRecord().id();
  }

  private NodeStore.NodeRecord requireNodeRecord() {
    return store
        .node()
        .orElseThrow(
            () ->
                KldloadException.precondition(
                    "this machine is not a mesh node yet", "run 'kube-network init ID' first"));
  }

  private IfAddress address(Plane plane) {
    return plane.address(nodeId());
  }

  private boolean addressed(WgDevice device, Plane plane) {
    List<IfAddress> v4 =
        device.addresses().stream().filter(a -> a.address() instanceof Inet4Address).toList();
    return device.up() && device.mtu() == plan.wireguardMtu() && v4.equals(List.of(address(plane)));
  }

  /** The peers this plane should have, from the recorded mesh. */
  public List<PeerSpec> desiredPeers(Plane plane) {
    NodeStore.NodeRecord self = requireNodeRecord();
    return store.peers().peersFor(self.id(), self.nat(), plane);
  }

  private Set<WgKey> desiredKeys(Plane plane) {
    return desiredPeers(plane).stream()
        .map(PeerSpec::publicKey)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private PeerDiff peerDiff(Plane plane) {
    return PeerDiff.between(
        desiredPeers(plane), wireGuard.device(plane.interfaceName()), store.owned(plane.kind()));
  }

  /** The full interface config of one plane as this node should run it. */
  public InterfaceConfig config(Plane plane) {
    return new InterfaceConfig(
        plane.interfaceName(),
        privateKey(plane),
        plane.port(),
        address(plane),
        plan.wireguardMtu(),
        desiredPeers(plane));
  }

  /** This node's id and each plane's public key. */
  public KeysView keys() {
    NodeStore.NodeRecord node = store.requireNode();
    return new KeysView(
        node.id().value(),
        privateKey(plan.mgmt()).publicKey().base64(),
        privateKey(plan.k8s()).publicKey().base64());
  }
}
