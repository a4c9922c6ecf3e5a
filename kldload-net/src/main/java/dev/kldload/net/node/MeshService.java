package dev.kldload.net.node;

import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepBuilder;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.IfAddress;
import dev.kldload.net.InterfaceConfig;
import dev.kldload.net.Mesh;
import dev.kldload.net.MeshNode;
import dev.kldload.net.NameResolver;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.PeerSpec;
import dev.kldload.net.Plane;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPrivateKey;
import dev.kldload.net.WireGuard;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * This machine's place in the mesh ({@code kube-network init, add-peer, remove-peer, apply}): every
 * mutation is a plan of idempotent steps that observe the running interfaces, so a second run with
 * the same input changes nothing. Each plan is built from the state it converges to (this node's
 * id, NAT flag and peers), not from what is recorded so far, so a dry-run lists every step the run
 * will apply.
 */
public final class MeshService {
  private final NetworkPlan plan;
  private final NodeStore store;
  private final WireGuard wireGuard;
  private final NameResolver resolver;
  private final Systemd systemd;
  private final NodeSettings settings;

  public MeshService(
      NetworkPlan plan,
      NodeStore store,
      WireGuard wireGuard,
      NameResolver resolver,
      ProcessRunner runner,
      NodeSettings settings) {
    this.plan = plan;
    this.store = store;
    this.wireGuard = wireGuard;
    this.resolver = resolver;
    this.systemd = new Systemd(runner);
    this.settings = settings;
  }

  public NetworkPlan plan() {
    return plan;
  }

  /** What a plan converges to, fixed when the plan is built. */
  private record Desired(NodeId id, boolean nat, Mesh peers) {
    List<PeerSpec> peers(Plane plane) {
      return peers.peersFor(id, nat, plane);
    }

    Set<WgKey> keys(Plane plane) {
      return peers(plane).stream()
          .map(PeerSpec::publicKey)
          .collect(Collectors.toCollection(LinkedHashSet::new));
    }
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
    addPlaneSteps(
        builder, List.of("node-id", "key-mgmt", "key-k8s"), new Desired(id, nat, store.peers()));
    return builder.build();
  }

  // ---------------------------------------------------------------- peers

  /**
   * Adds or updates one peer by id (never a duplicate). A key not given keeps the one recorded for
   * that plane, so updating one plane leaves the other as it is.
   */
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
    refuseOwnKeys(peer, "peer " + peer.id());
    Mesh recorded = store.peers();
    Map<PlaneKind, WgKey> keys = new EnumMap<>(PlaneKind.class);
    recorded.node(peer.id()).ifPresent(known -> keys.putAll(known.keys()));
    List<String> kept =
        keys.keySet().stream().filter(k -> peer.key(k).isEmpty()).map(PlaneKind::id).toList();
    keys.putAll(peer.keys());
    List<MeshNode> nodes = new ArrayList<>(recorded.nodes());
    nodes.removeIf(n -> n.id().equals(peer.id()));
    nodes.add(new MeshNode(peer.id(), peer.endpoint(), peer.nat(), keys));
    Mesh desired = new Mesh(nodes);
    Plan.Builder builder = Plan.builder("kube-network-add-peer");
    builder.add(
        recordPeers(
            "record-peers",
            "record peer "
                + peer.id()
                + (kept.isEmpty() ? "" : " (keeps its " + String.join(", ", kept) + " key)"),
            desired));
    addPlaneSteps(builder, List.of("record-peers"), new Desired(self.id(), self.nat(), desired));
    return builder.build();
  }

  /** Removes one peer we manage; a peer we never added is "nothing to do". */
  public Plan removePeer(NodeId id) {
    NodeStore.NodeRecord self = store.requireNode();
    List<MeshNode> nodes = new ArrayList<>(store.peers().nodes());
    nodes.removeIf(n -> n.id().equals(id));
    Mesh desired = new Mesh(nodes);
    Plan.Builder builder = Plan.builder("kube-network-remove-peer");
    builder.add(recordPeers("record-peers", "forget peer " + id, desired));
    addPlaneSteps(builder, List.of("record-peers"), new Desired(self.id(), self.nat(), desired));
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
    others.forEach(n -> refuseOwnKeys(n, "mesh node " + n.id()));
    Mesh desired = new Mesh(others);
    Plan.Builder builder = Plan.builder("kube-network-apply");
    builder.add(
        Step.named("record-self")
            .description("record node " + self.id() + (me.nat() ? " (behind NAT)" : ""))
            .doneWhen(c -> store.node().map(n -> n.nat() == me.nat()).orElse(false))
            .apply(c -> store.saveNode(new NodeStore.NodeRecord(self.id(), me.nat()))));
    builder.add(
        Step.named("record-peers")
            .description("record " + others.size() + " peers")
            .after("record-self")
            .doneWhen(c -> store.peers().equals(desired))
            .apply(c -> store.savePeers(desired)));
    addPlaneSteps(builder, List.of("record-peers"), new Desired(self.id(), me.nat(), desired));
    return builder.build();
  }

  /**
   * Makes this machine node {@code id} of {@code mesh} in one plan, whether or not it was given an
   * id before ({@code init} then {@code apply} without the intermediate state): keys are created
   * when missing and kept when present; every other node of the mesh becomes a peer. The plan is
   * built without changing anything (a dry-run of it records nothing). A machine recorded as
   * another node id is a conflict. When a run of the plan fails, the engine undoes what it made:
   * interfaces it created are deleted, the peers recorded and the wg-quick files it wrote are put
   * back as they were (the node id and keys are kept, as {@code init} keeps them).
   */
  public Plan join(NodeId id, Mesh mesh) {
    Optional<NodeStore.NodeRecord> existing = store.node();
    if (existing.isPresent() && !existing.get().id().equals(id)) {
      throw KldloadException.conflict(
          "this machine is already node " + existing.get().id() + ", not " + id,
          "use 'kube-network init " + id + " --force' to change its id (keys are kept)");
    }
    MeshNode me =
        mesh.node(id)
            .orElseThrow(
                () ->
                    KldloadException.invalid(
                        "the mesh has no node " + id + " (this machine)", "add this node"));
    for (PlaneKind kind : PlaneKind.values()) {
      Optional<WgKey> own = store.key(kind).map(WgPrivateKey::publicKey);
      if (me.key(kind).isPresent() && own.isPresent() && !me.key(kind).equals(own)) {
        throw KldloadException.conflict(
            "the mesh gives node " + id + " a " + kind.id() + " key that is not this node's",
            "update the mesh with this node's keys ('kube-network show-keys')");
      }
    }
    List<MeshNode> others = mesh.nodes().stream().filter(n -> !n.id().equals(id)).toList();
    Mesh desired = new Mesh(others);
    Plan.Builder builder = Plan.builder("kube-network-join");
    // the peers recorded before this run's record-peers, for its undo
    AtomicReference<Mesh> before = new AtomicReference<>(new Mesh(List.of()));
    builder.add(
        Step.named("node-id")
            .description("record this machine as node " + id + (me.nat() ? " (behind NAT)" : ""))
            .doneWhen(
                c -> store.node().map(n -> n.id().equals(id) && n.nat() == me.nat()).orElse(false))
            .apply(c -> store.saveNode(new NodeStore.NodeRecord(id, me.nat()))));
    List<String> keys = new ArrayList<>();
    for (Plane plane : plan.planes()) {
      String step = "key-" + plane.kind().id();
      keys.add(step);
      builder.add(
          Step.named(step)
              .description("generate the " + plane.interfaceName() + " key pair (0600)")
              .creates(store.keyFile(plane.kind()).toString())
              .doneWhen(c -> store.key(plane.kind()).isPresent())
              .apply(c -> store.createKey(plane.kind())));
    }
    builder.add(
        Step.named("record-peers")
            .description("record " + others.size() + " peers")
            .after("node-id")
            .after(keys)
            .doneWhen(c -> store.peers().equals(desired))
            .undo(c -> store.savePeers(before.get()))
            .apply(
                c -> {
                  others.forEach(n -> refuseOwnKeys(n, "mesh node " + n.id()));
                  before.set(store.peers());
                  store.savePeers(desired);
                }));
    addPlaneSteps(builder, List.of("record-peers"), new Desired(id, me.nat(), desired), true);
    return builder.build();
  }

  /**
   * A peer carrying this node's own key, public or (worse) private, on either plane would put this
   * node's secret into peers.json, the wg-quick files and status output: refused before anything is
   * written.
   */
  private void refuseOwnKeys(MeshNode peer, String what) {
    for (Map.Entry<PlaneKind, WgKey> given : peer.keys().entrySet()) {
      for (PlaneKind kind : PlaneKind.values()) {
        WgPrivateKey own = store.requireKey(kind);
        if (own.sameBytes(given.getValue())) {
          throw KldloadException.invalid(
              what
                  + "'s "
                  + given.getKey().id()
                  + " key is this node's "
                  + kind.id()
                  + " PRIVATE key",
              "never share a private key; give the other node's public key ('kube-network"
                  + " show-keys' on that node)");
        }
        if (own.publicKey().equals(given.getValue())) {
          throw KldloadException.invalid(
              what + "'s " + given.getKey().id() + " key is this node's own " + kind.id() + " key",
              "give the other node's public key ('kube-network show-keys' on that node)");
        }
      }
    }
  }

  private Step recordPeers(String id, String description, Mesh desired) {
    return Step.named(id)
        .description(description)
        .doneWhen(c -> store.peers().equals(desired))
        .apply(c -> store.savePeers(desired));
  }

  // ---------------------------------------------------------------- per plane

  /** Interface, key and port, address and MTU, peers, the wg-quick file, the boot unit. */
  private void addPlaneSteps(Plan.Builder builder, List<String> after, Desired desired) {
    addPlaneSteps(builder, after, desired, false);
  }

  /**
   * @param reversible whether the steps that make something declare their undo: deleting an
   *     interface this run created, putting back the wg-quick file this run rewrote
   */
  private void addPlaneSteps(
      Plan.Builder builder, List<String> after, Desired desired, boolean reversible) {
    boolean units = Systemd.bootUnits(settings);
    for (Plane plane : plan.planes()) {
      String p = plane.kind().id();
      String name = plane.interfaceName();
      IfAddress address = plane.address(desired.id());
      StepBuilder link =
          Step.named("link-" + p)
              .description("create WireGuard interface " + name)
              .after(after)
              .creates("link " + name)
              .doneWhen(c -> wireGuard.device(name).isPresent());
      if (reversible) {
        // applied only when the interface was not there: this run made it
        link.undo(c -> wireGuard.delete(name));
      }
      builder.add(link.apply(c -> wireGuard.create(name)));
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
              .description("address " + address + ", MTU " + plan.wireguardMtu() + ", up: " + name)
              .after("link-" + p)
              .doneWhen(c -> wireGuard.device(name).map(d -> addressed(d, address)).orElse(false))
              .apply(c -> wireGuard.setAddress(name, address, plan.wireguardMtu())));
      builder.add(
          Step.named("peers-" + p)
              .description("reconcile " + name + "'s peers (ours only)")
              .after("key-port-" + p)
              .doneWhen(
                  c ->
                      peerDiff(plane, desired, m -> {}).empty()
                          && store.owned(plane.kind()).equals(desired.keys(plane)))
              .apply(
                  c -> {
                    PeerDiff diff = peerDiff(plane, desired, c::note);
                    diff.upsert()
                        .forEach(
                            peer ->
                                c.note(
                                    name
                                        + ": set node "
                                        + peer.nodeId()
                                        + " at "
                                        + peer.endpoint().orElse("(no endpoint)")));
                    diff.remove().forEach(key -> c.note(name + ": remove peer " + key));
                    wireGuard.updatePeers(name, diff.upsert(), diff.remove());
                    store.saveOwned(plane.kind(), desired.keys(plane));
                  }));
      Path file = settings.wireguardDir().resolve(name + ".conf");
      AtomicReference<Optional<String>> previous = new AtomicReference<>(Optional.empty());
      StepBuilder persist =
          Step.named("persist-" + p)
              .description("write " + file + " (0600) so " + name + " comes back after reboot")
              .after(after)
              .creates(file.toString())
              .doneWhen(
                  c ->
                      PrivateFiles.read(file)
                          .equals(Optional.of(config(plane, desired).wgQuick())));
      if (reversible) {
        persist.undo(
            c -> {
              if (previous.get().isPresent()) {
                PrivateFiles.write(file, previous.get().get());
              } else {
                Files.deleteIfExists(file);
              }
            });
      }
      builder.add(
          persist.apply(
              c -> {
                previous.set(PrivateFiles.read(file));
                PrivateFiles.write(file, config(plane, desired).wgQuick());
              }));
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

  private boolean addressed(WgDevice device, IfAddress address) {
    List<IfAddress> v4 =
        device.addresses().stream().filter(a -> a.address() instanceof Inet4Address).toList();
    return device.up() && device.mtu() == plan.wireguardMtu() && v4.equals(List.of(address));
  }

  /**
   * What the running interface lacks or has too much, against the desired peers with names resolved
   * (wg holds addresses, so only addresses compare); {@code notes} hears each resolution.
   */
  private PeerDiff peerDiff(Plane plane, Desired desired, Consumer<String> notes) {
    Optional<WgDevice> device = wireGuard.device(plane.interfaceName());
    Mesh live = LiveEndpoints.resolve(desired.peers(), plane, device, resolver, notes);
    return PeerDiff.between(
        live.peersFor(desired.id(), desired.nat(), plane), device, store.owned(plane.kind()));
  }

  /** The wg-quick file keeps names as given: wg-quick resolves them again at boot. */
  private InterfaceConfig config(Plane plane, Desired desired) {
    return new InterfaceConfig(
        plane.interfaceName(),
        privateKey(plane),
        plane.port(),
        plane.address(desired.id()),
        plan.wireguardMtu(),
        desired.peers(plane));
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
