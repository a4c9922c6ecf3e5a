package dev.kldload.net.node;

import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import dev.kldload.net.Firewall;
import dev.kldload.net.HostNetwork;
import dev.kldload.net.IfAddress;
import dev.kldload.net.InterfaceConfig;
import dev.kldload.net.Mesh;
import dev.kldload.net.MeshNode;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.NftRuleset;
import dev.kldload.net.PeerSpec;
import dev.kldload.net.PlanIssue;
import dev.kldload.net.Plane;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPeerState;
import dev.kldload.net.WgPrivateKey;
import dev.kldload.net.WireGuard;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The node side of the mesh ({@code kube-network}): every mutation is a plan of idempotent steps
 * that observe the running interfaces, so a second run with the same input changes nothing.
 */
public final class NetworkService {
  /**
   * A peer without a handshake for this long is flagged in status (WireGuard rekeys every 120 s).
   */
  public static final Duration STALE_AFTER = Duration.ofSeconds(180);

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final NetworkPlan plan;
  private final NodeStore store;
  private final WireGuard wireGuard;
  private final HostNetwork host;
  private final Firewall firewall;
  private final ProcessRunner runner;
  private final NodeSettings settings;
  private final Clock clock;

  public NetworkService(
      NetworkPlan plan,
      NodeStore store,
      WireGuard wireGuard,
      HostNetwork host,
      Firewall firewall,
      ProcessRunner runner,
      NodeSettings settings,
      Clock clock) {
    this.plan = plan;
    this.store = store;
    this.wireGuard = wireGuard;
    this.host = host;
    this.firewall = firewall;
    this.runner = runner;
    this.settings = settings;
    this.clock = clock;
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
    NodeStore.NodeRecord self = requireNode();
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
    requireNode();
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
    NodeStore.NodeRecord self = requireNode();
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

  private NodeStore.NodeRecord requireNode() {
    NodeStore.NodeRecord node =
        store
            .node()
            .orElseThrow(
                () ->
                    KldloadException.precondition(
                        "this machine is not a mesh node yet", "run 'kube-network init ID' first"));
    for (PlaneKind kind : PlaneKind.values()) {
      if (store.key(kind).isEmpty()) {
        throw KldloadException.precondition(
            "node " + node.id() + " has no " + kind.id() + " key", "run 'kube-network init ID'");
      }
    }
    return node;
  }

  // ---------------------------------------------------------------- per plane

  /** Interface, key and port, address and MTU, peers, the wg-quick file, the boot unit. */
  private void addPlaneSteps(Plan.Builder builder, List<String> after) {
    boolean units = bootUnits();
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
                .doneWhen(c -> enabled(unit))
                .apply(c -> systemctl("enable", unit)));
      }
    }
  }

  /** Whether to enable boot units: configured so, and systemd runs this machine. */
  private boolean bootUnits() {
    return settings.bootUnits() && Files.isDirectory(Path.of("/run/systemd/system"));
  }

  private boolean enabled(String unit) {
    return runner
        .run(ProcessSpec.of("systemctl", "is-enabled", unit).timeout(TIMEOUT).readOnly().build())
        .stdout()
        .strip()
        .equals("enabled");
  }

  private void systemctl(String... args) {
    List<String> argv = new ArrayList<>(List.of("systemctl"));
    argv.addAll(List.of(args));
    runner.check(ProcessSpec.of(argv).timeout(TIMEOUT).build());
  }

  private WgPrivateKey privateKey(Plane plane) {
    return store
        .key(plane.kind())
        .orElseThrow(
            () ->
                KldloadException.precondition(
                    "no " + plane.kind().id() + " key", "run 'kube-network init ID' first"));
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

  // ---------------------------------------------------------------- nftables

  /** The ruleset for this machine and the plan that applies it. */
  public record FirewallPlan(String ruleset, Plan plan) {}

  /**
   * Our table for a node (default drop, spec §7.1) or for the hypervisor ({@code host}: accepts
   * only). The LAN interface is the default route's unless given.
   */
  public FirewallPlan firewall(NftRuleset.Mode mode, Optional<String> lanInterface) {
    String lan =
        lanInterface
            .or(host::defaultInterface)
            .orElseThrow(
                () ->
                    KldloadException.precondition(
                        "this machine has no IPv4 default route to take the LAN interface from",
                        "give it with --lan-interface IF"));
    Optional<Cidr> nodeCidr =
        host.addresses(lan).stream()
            .filter(a -> a.address() instanceof Inet4Address)
            .findFirst()
            .map(IfAddress::network);
    String ruleset = NftRuleset.render(plan, mode, lan, nodeCidr);
    String comment = NftRuleset.comment(ruleset);
    Path file = settings.nftFile();
    Plan.Builder steps =
        Plan.builder("kube-network-nft")
            .add(
                Step.named("check-ruleset")
                    .description("check the ruleset with nft -c")
                    .doneWhen(c -> firewall.tableComment().equals(Optional.of(comment)))
                    .apply(c -> firewall.validate(ruleset)))
            .add(
                Step.named("replace-table")
                    .description(
                        "replace table inet kldload ("
                            + mode.name().toLowerCase(java.util.Locale.ROOT)
                            + " mode, LAN "
                            + lan
                            + ") in one transaction")
                    .after("check-ruleset")
                    .creates("nft table inet kldload")
                    .doneWhen(c -> firewall.tableComment().equals(Optional.of(comment)))
                    .apply(c -> firewall.replace(ruleset)))
            .add(
                Step.named("persist-ruleset")
                    .description("write " + file + " (0600), the ruleset loaded at boot")
                    .after("replace-table")
                    .creates(file.toString())
                    .doneWhen(c -> PrivateFiles.read(file).equals(Optional.of(ruleset)))
                    .apply(c -> PrivateFiles.write(file, ruleset)));
    if (bootUnits()) {
      Path unitFile = settings.unitDir().resolve(FIREWALL_UNIT);
      String unit = firewallUnit(file);
      steps.add(
          Step.named("boot-firewall")
              .description("enable " + FIREWALL_UNIT + " (" + unitFile + ") for boot")
              .after("persist-ruleset")
              .creates(unitFile.toString())
              .nonCritical()
              .doneWhen(
                  c ->
                      PrivateFiles.read(unitFile).equals(Optional.of(unit))
                          && enabled(FIREWALL_UNIT))
              .apply(
                  c -> {
                    PrivateFiles.write(unitFile, unit);
                    Files.setPosixFilePermissions(
                        unitFile, PosixFilePermissions.fromString("rw-r--r--"));
                    systemctl("daemon-reload");
                    systemctl("enable", FIREWALL_UNIT);
                  }));
    }
    return new FirewallPlan(ruleset, steps.build());
  }

  /** The boot unit that loads our table from {@link NodeSettings#nftFile()}. */
  public static final String FIREWALL_UNIT = "kldload-nftables.service";

  /**
   * Loads the table before any network is up, and after Debian's nftables.service, whose {@code
   * flush ruleset} would drop it. No ExecStop: stopping the unit must not open the firewall.
   * Without the ruleset file (kube-reset removes it) the unit does nothing.
   */
  public static String firewallUnit(Path nftFile) {
    return """
        # written by kube-network nft
        [Unit]
        Description=kldload firewall (nftables table inet kldload)
        Documentation=man:nft(8)
        DefaultDependencies=no
        Wants=network-pre.target
        Before=network-pre.target shutdown.target
        After=nftables.service
        Conflicts=shutdown.target
        RequiresMountsFor=%1$s
        ConditionPathExists=%1$s

        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=nft -f %1$s
        ExecReload=nft -f %1$s

        [Install]
        WantedBy=sysinit.target
        """
        .formatted(nftFile);
  }

  // ---------------------------------------------------------------- kubelet

  /** Points the kubelet at this node's wg-k8s address ({@code --node-ip}). */
  public Plan pinKubelet() {
    requireNode();
    String name = plan.k8s().interfaceName();
    String ip =
        wireGuard.device(name).stream()
            .flatMap(d -> d.addresses().stream())
            .filter(a -> a.address() instanceof Inet4Address)
            .map(a -> a.address().getHostAddress())
            .findFirst()
            .orElseThrow(
                () ->
                    KldloadException.precondition(
                        name + " has no IPv4 address", "run 'kube-network init ID' first"));
    Path file = settings.kubeletDefaults();
    Optional<String> current = PrivateFiles.read(file);
    String desired = KubeletDefaults.withNodeIp(current.orElse(""), ip);
    boolean changes = !current.equals(Optional.of(desired));
    return Plan.builder("kube-network-pin-kubelet")
        .add(
            Step.named("kubelet-node-ip")
                .description("set --node-ip=" + ip + " in " + file)
                .doneWhen(c -> PrivateFiles.read(file).equals(Optional.of(desired)))
                .apply(c -> KubeletDefaults.write(file, desired)))
        .add(
            Step.named("restart-kubelet")
                .description("restart kubelet if it runs, so it uses the new address")
                .after("kubelet-node-ip")
                .nonCritical()
                .doneWhen(
                    c ->
                        !changes
                            || !runner
                                .run(
                                    ProcessSpec.of("systemctl", "is-active", "--quiet", "kubelet")
                                        .timeout(TIMEOUT)
                                        .readOnly()
                                        .build())
                                .ok())
                .apply(
                    c ->
                        runner.check(
                            ProcessSpec.of("systemctl", "restart", "kubelet")
                                .timeout(TIMEOUT)
                                .build())))
        .build();
  }

  // ---------------------------------------------------------------- reads

  public KeysView keys() {
    NodeStore.NodeRecord node = requireNode();
    return new KeysView(
        node.id().value(),
        privateKey(plan.mgmt()).publicKey().base64(),
        privateKey(plan.k8s()).publicKey().base64());
  }

  public StatusView status() {
    Optional<NodeStore.NodeRecord> node = store.node();
    Map<WgKey, NodeId> known = new HashMap<>();
    for (MeshNode peer : store.peers().nodes()) {
      peer.keys().values().forEach(k -> known.put(k, peer.id()));
    }
    Instant now = clock.instant();
    List<PlaneStatus> planes = new ArrayList<>();
    for (Plane plane : plan.planes()) {
      Set<WgKey> owned = store.owned(plane.kind());
      Optional<WgDevice> device = wireGuard.device(plane.interfaceName());
      List<PeerView> peers = new ArrayList<>();
      for (WgPeerState peer : device.map(WgDevice::peers).orElse(List.of())) {
        Long age =
            peer.latestHandshake()
                .map(t -> Math.max(0, Duration.between(t, now).toSeconds()))
                .orElse(null);
        peers.add(
            new PeerView(
                owned.contains(peer.publicKey())
                    ? Optional.ofNullable(known.get(peer.publicKey()))
                        .map(NodeId::value)
                        .orElse(null)
                    : null,
                owned.contains(peer.publicKey()),
                peer.publicKey().base64(),
                peer.endpoint().orElse(null),
                peer.allowedIps().stream().map(Cidr::toString).collect(Collectors.joining(",")),
                peer.latestHandshake().orElse(null),
                age,
                peer.rxBytes(),
                peer.txBytes(),
                age == null || age > STALE_AFTER.toSeconds()));
      }
      planes.add(
          new PlaneStatus(
              plane.kind().id(),
              plane.interfaceName(),
              device.isPresent(),
              device.map(WgDevice::up).orElse(false),
              device
                  .flatMap(
                      d ->
                          d.addresses().stream()
                              .filter(a -> a.address() instanceof Inet4Address)
                              .findFirst())
                  .map(IfAddress::toString)
                  .orElse(null),
              device.map(WgDevice::mtu).orElse(0),
              device.map(WgDevice::listenPort).orElse(0),
              device.flatMap(WgDevice::publicKey).map(WgKey::base64).orElse(null),
              peers));
    }
    return new StatusView(node.map(n -> n.id().value()).orElse(null), planes);
  }

  /** Overlaps of the plan's ranges with each other and with the host's routes. */
  public List<PlanIssue> check() {
    return plan.check(host.routes());
  }
}
