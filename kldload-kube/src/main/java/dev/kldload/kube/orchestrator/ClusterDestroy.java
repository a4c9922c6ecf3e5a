package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.DhcpHost;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.seed.NoCloudSeed;
import dev.kldload.kvm.xml.DomainDefinition;
import dev.kldload.kvm.xml.MacAddress;
import dev.kldload.net.Mesh;
import dev.kldload.net.MeshNode;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.Plane;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPeerState;
import dev.kldload.net.WireGuard;
import dev.kldload.net.node.NodeStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code kube-cluster destroy [--all]}: removes what this cluster made, from whatever state a
 * bootstrap reached, and only that. Ownership is read from the marks, never from names alone:
 *
 * <ul>
 *   <li>a node's domain only when its metadata says owner {@code kube-cluster} and this cluster; a
 *       domain of a node's name without them is left, with its disk and seed, and listed as kept;
 *   <li>a node's disk when our domain uses it, or (no domain) when it is a clone of the golden or
 *       the remains of an unfinished copy;
 *   <li>a seed ISO only when it carries the node's recorded instance-id and MAC;
 *   <li>on this host's planes, only peers whose public keys are the manifest's node keys: on the
 *       running interfaces, in the wg-quick files and in the host's peer records (other peers stay,
 *       and so do the interfaces: the host stays a mesh node);
 *   <li>this cluster's block in {@code /etc/hosts} (every other line stays);
 *   <li>with {@code --all}, the golden's domain (marked owner {@code kube-cluster}, role {@code
 *       golden}), its disk and snapshots; refused while a clone this cluster does not own depends
 *       on it.
 * </ul>
 *
 * The cluster's state directory (manifest, keys, journal) goes last, after every other step
 * succeeded, so that a failed or interrupted destroy can be run again. Every step's {@code isDone}
 * observes absence: a re-run after a crash converges.
 */
public final class ClusterDestroy {
  /** The golden's role in its domain marks. */
  static final String GOLDEN_ROLE = "golden";

  /**
   * One thing destroy removes.
   *
   * @param kind {@code domain}, {@code disk}, {@code seed}, {@code peer}, {@code peer-record},
   *     {@code wg-quick}, {@code hosts-block}, {@code golden-domain}, {@code golden-disk} or {@code
   *     state}
   * @param object what it is (a domain name, a path, a key)
   * @param where the host (libvirt URI) or file it is in; null when the object says it
   */
  public record Target(String kind, String object, String where) {}

  /**
   * What a destroy will remove, and what it leaves that carries a name of the cluster but not its
   * marks (one line each).
   */
  public record Listing(String cluster, boolean all, List<Target> remove, List<String> kept) {
    public Listing {
      remove = List.copyOf(remove);
      kept = List.copyOf(kept);
    }
  }

  private final NetworkPlan plan;
  private final Function<String, Hypervisor> hypervisors;
  private final Function<String, DiskBackend> disks;
  private final Function<String, Path> seedIsos;
  private final NodeStore hostStore;
  private final WireGuard wireGuard;
  private final Path wireguardDir;
  private final Path etcHosts;
  private final ClusterStore store;
  private final AddressReservations reservations;

  /**
   * @param hypervisors the hypervisor of each node's host (its libvirt URI, as recorded)
   * @param disks the disk backend of each node's host
   * @param seedIsos where a node's seed ISO is ({@code bootstrap::seedIso})
   * @param hostStore this host's mesh state (its recorded peers)
   * @param wireGuard this host's WireGuard
   * @param wireguardDir where this host's wg-quick files are ({@code NodeSettings.wireguardDir()})
   * @param etcHosts the host's hosts file ({@code /etc/hosts})
   * @param reservations the nodes' DHCP reservations in the libvirt network
   */
  public ClusterDestroy(
      NetworkPlan plan,
      Function<String, Hypervisor> hypervisors,
      Function<String, DiskBackend> disks,
      Function<String, Path> seedIsos,
      NodeStore hostStore,
      WireGuard wireGuard,
      Path wireguardDir,
      Path etcHosts,
      ClusterStore store,
      AddressReservations reservations) {
    this.plan = plan;
    this.hypervisors = hypervisors;
    this.disks = disks;
    this.seedIsos = seedIsos;
    this.hostStore = hostStore;
    this.wireGuard = wireGuard;
    this.wireguardDir = wireguardDir;
    this.etcHosts = etcHosts;
    this.store = store;
    this.reservations = reservations;
  }

  /**
   * What {@link #plan} will remove and what it keeps, for the command to show before it asks.
   * CONFLICT (exit 5, nothing changed) with {@code all} while a clone this cluster does not own
   * depends on the golden, or when a clone depends on a node's disk.
   */
  public Listing listing(ClusterManifest manifest, boolean all) {
    return prepare(manifest, all).listing();
  }

  /** The destroy plan; refused as {@link #listing} is. Changes nothing until it runs. */
  public Plan plan(ClusterManifest manifest, boolean all) {
    return prepare(manifest, all).plan();
  }

  private record Prepared(Listing listing, Plan plan) {}

  /** Observes everything once and decides, per object, whether it is ours. */
  private Prepared prepare(ClusterManifest manifest, boolean all) {
    String cluster = manifest.name();
    Optional<ClusterBootstrap.Golden> golden = golden(manifest);
    if (all && golden.isEmpty()) {
      throw KldloadException.precondition(
          "cluster " + cluster + " records no golden snapshot; --all cannot tell which golden",
          "destroy without --all, and remove the golden with 'kvm-delete'");
    }
    List<Target> remove = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    List<Step> steps = new ArrayList<>();
    // per host: the node disks this plan removes, and their step ids
    Map<String, Set<String>> removedDisks = new LinkedHashMap<>();
    Map<String, List<String>> diskSteps = new LinkedHashMap<>();
    Map<String, Set<String>> goldenClones = new LinkedHashMap<>();

    for (NodeRecord node : manifest.nodes()) {
      String uri = node.host();
      Hypervisor hypervisor = hypervisors.apply(uri);
      DiskBackend backend = disks.apply(uri);
      Set<String> clones =
          goldenClones.computeIfAbsent(
              uri,
              u ->
                  golden.map(g -> dependents(backend, g.domain())).orElse(List.of()).stream()
                      .map(ClusterDestroy::dependentVm)
                      .collect(Collectors.toSet()));
      String name = node.name();
      VmName vm = VmName.of(name);
      String prefix = "nodes/" + name + "/";
      List<String> afterDomain = new ArrayList<>();

      Optional<VmDomain> domain = hypervisor.domain(name);
      boolean foreign = domain.isPresent() && !ours(domain.get(), cluster);
      Path disk = backend.diskOf(vm).path();
      if (foreign) {
        kept.add(
            "domain "
                + name
                + " on "
                + uri
                + ": no "
                + ClusterBootstrap.OWNER
                + " marks for "
                + cluster
                + "; left as it is, with its disk and seed");
      } else if (domain.isPresent()) {
        remove.add(new Target("domain", name, uri + " (" + domain.get().stateLabel() + ")"));
        steps.add(domainStep(prefix + "domain", hypervisor, name, cluster));
        afterDomain.add(prefix + "domain");
      }

      if (!foreign && backend.exists(vm)) {
        boolean used =
            domain
                .map(d -> DomainDefinition.parse(d.xml()).dataDisks().stream())
                .orElse(Stream.empty())
                .anyMatch(e -> e.source().map(disk::equals).orElse(false));
        if (used || clones.contains(name) || backend.partial(vm)) {
          List<String> dependents = backend.dependents(vm);
          if (!dependents.isEmpty()) {
            throw KldloadException.conflict(
                "the disk of node "
                    + name
                    + " has clones that depend on it, nothing was changed: "
                    + String.join(", ", dependents),
                backend.detachAdvice(dependents.get(0)));
          }
          remove.add(new Target("disk", disk.toString(), uri));
          String id = prefix + "disk";
          steps.add(
              Step.named(id)
                  .description("destroy the disk " + disk + " of " + name)
                  .after(afterDomain)
                  .doneWhen(c -> !backend.exists(vm))
                  .apply(c -> backend.destroy(vm)));
          removedDisks.computeIfAbsent(uri, u -> new LinkedHashSet<>()).add(name);
          diskSteps.computeIfAbsent(uri, u -> new ArrayList<>()).add(id);
        } else {
          kept.add(
              "disk "
                  + disk
                  + " on "
                  + uri
                  + ": not used by a domain of "
                  + cluster
                  + " and not a clone of "
                  + golden.map(ClusterBootstrap.Golden::origin).orElse("the golden")
                  + "; left as it is");
        }
      }

      Path iso = seedIsos.apply(name);
      List<MacAddress> macs = List.of(new MacAddress(node.mac()));
      if (!foreign && Files.exists(iso)) {
        if (NoCloudSeed.carries(iso, node.instanceId(), macs)) {
          remove.add(new Target("seed", iso.toString(), null));
          steps.add(
              Step.named(prefix + "seed")
                  .description("remove the seed " + iso)
                  .after(afterDomain)
                  .doneWhen(c -> !NoCloudSeed.carries(iso, node.instanceId(), macs))
                  .apply(
                      c -> {
                        // another seed written there since is not ours to remove
                        if (NoCloudSeed.carries(iso, node.instanceId(), macs)) {
                          Files.delete(iso);
                        }
                      }));
        } else {
          kept.add("seed " + iso + ": does not carry node " + name + "'s identity; left as it is");
        }
      }
    }

    addMeshSteps(manifest, remove, steps);
    addHostsStep(cluster, remove, steps);
    // like every other object: a step only for a reservation that is there
    Map<DhcpHost, String> held = reservations.held(manifest);
    held.forEach(
        (host, uri) ->
            remove.add(new Target("reservation", host.display(), "libvirt network on " + uri)));
    Set<String> releasing =
        manifest.nodes().stream()
            .filter(
                n ->
                    held.keySet().stream().anyMatch(h -> h.mac().value().equalsIgnoreCase(n.mac())))
            .map(n -> AddressReservations.releaseStepId(n.name()))
            .collect(Collectors.toSet());
    reservations.releaseSteps(manifest, List.of()).stream()
        .filter(step -> releasing.contains(step.id()))
        .forEach(steps::add);
    if (all) {
      new GoldenRemoval(hypervisors, disks)
          .addSteps(manifest, golden.get(), removedDisks, diskSteps, remove, kept, steps);
    }

    Path dir = store.dir(ClusterName.of(cluster));
    Plan.Builder builder = Plan.builder("kube-cluster-destroy-" + cluster);
    steps.forEach(builder::add);
    if (Files.exists(dir)) {
      remove.add(new Target("state", dir.toString(), null));
      builder.add(
          Step.named("state")
              .description("remove " + dir + " (manifest, keys, journal) last")
              .after(steps.stream().map(Step::id).toList())
              .doneWhen(c -> !Files.exists(dir))
              .apply(c -> deleteTree(dir)));
    }
    return new Prepared(new Listing(cluster, all, remove, kept), builder.build());
  }

  private static Optional<ClusterBootstrap.Golden> golden(ClusterManifest manifest) {
    String recorded = manifest.goldenSnapshot();
    if (recorded == null || recorded.indexOf('@') <= 0) {
      return Optional.empty();
    }
    int at = recorded.indexOf('@');
    return Optional.of(
        new ClusterBootstrap.Golden(
            VmName.of(recorded.substring(0, at)), recorded.substring(at + 1)));
  }

  private static boolean ours(VmDomain domain, String cluster) {
    return DomainDefinition.parse(domain.xml())
        .metadata()
        .map(m -> ClusterStatus.ours(m, cluster))
        .orElse(false);
  }

  /** The clones of {@code vm}'s disk; none when it has no disk (a golden already removed). */
  static List<String> dependents(DiskBackend backend, VmName vm) {
    return backend.exists(vm) ? backend.dependents(vm) : List.of();
  }

  /**
   * The VM a {@link DiskBackend#dependents} entry names: entries read {@code vm (disk)}, where a
   * zvol backend gives the VM's dataset, whose last component is the VM.
   */
  static String dependentVm(String dependent) {
    int paren = dependent.indexOf(" (");
    String head = paren < 0 ? dependent : dependent.substring(0, paren);
    return head.substring(head.lastIndexOf('/') + 1);
  }

  /** Powers off and undefines the domain while it carries this cluster's marks. */
  private static Step domainStep(String id, Hypervisor hypervisor, String name, String cluster) {
    return Step.named(id)
        .description("power off and undefine domain " + name + " on " + hypervisor.uri())
        .doneWhen(c -> hypervisor.domain(name).map(d -> !ours(d, cluster)).orElse(true))
        .apply(
            c -> {
              Optional<VmDomain> now = hypervisor.domain(name);
              if (now.isEmpty() || !ours(now.get(), cluster)) {
                return;
              }
              if (now.get().state().active()) {
                hypervisor.powerOff(name);
              }
              if (now.get().savedState()) {
                hypervisor.discardSavedState(name);
              }
              hypervisor.undefine(name);
            });
  }

  // ---------------------------------------------------------------- the host's mesh

  private Map<PlaneKind, Map<WgKey, String>> nodeKeys(ClusterManifest manifest) {
    Map<PlaneKind, Map<WgKey, String>> keys = new EnumMap<>(PlaneKind.class);
    for (PlaneKind kind : PlaneKind.values()) {
      Map<WgKey, String> names = new LinkedHashMap<>();
      for (NodeRecord node : manifest.nodes()) {
        names.put(
            WgKey.parse(kind == PlaneKind.MGMT ? node.mgmtPublicKey() : node.k8sPublicKey()),
            node.name());
      }
      keys.put(kind, names);
    }
    return keys;
  }

  private void addMeshSteps(ClusterManifest manifest, List<Target> remove, List<Step> steps) {
    Map<PlaneKind, Map<WgKey, String>> keys = nodeKeys(manifest);
    Set<WgKey> every = new LinkedHashSet<>();
    keys.values().forEach(k -> every.addAll(k.keySet()));
    if (recordsAny(every)) {
      hostStore.peers().nodes().stream()
          .filter(n -> n.keys().values().stream().anyMatch(every::contains))
          .forEach(
              n ->
                  remove.add(
                      new Target("peer-record", "node " + n.id(), hostStore.dir().toString())));
      steps.add(
          Step.named("mesh/records")
              .description("forget the nodes' peers in " + hostStore.dir() + " (ours only)")
              .doneWhen(c -> !recordsAny(every))
              .apply(c -> forgetRecords(every)));
    }
    for (Plane plane : plan.planes()) {
      String name = plane.interfaceName();
      Map<WgKey, String> planeKeys = keys.get(plane.kind());
      Set<WgKey> present = running(name, planeKeys.keySet());
      for (WgKey key : present) {
        remove.add(new Target("peer", name + " peer " + planeKeys.get(key) + " " + key, null));
      }
      if (!present.isEmpty()) {
        steps.add(
            Step.named("mesh/" + plane.kind().id() + "/peers")
                .description("remove the nodes' peers from " + name + " (other peers stay)")
                .doneWhen(c -> running(name, planeKeys.keySet()).isEmpty())
                .apply(
                    c -> {
                      Set<WgKey> now = running(name, planeKeys.keySet());
                      if (!now.isEmpty()) {
                        wireGuard.updatePeers(name, List.of(), now);
                      }
                    }));
      }
      Path file = wireguardDir.resolve(name + ".conf");
      if (WgQuickPeers.hasAny(file, planeKeys.keySet())) {
        remove.add(new Target("wg-quick", "the nodes' [Peer] sections", file.toString()));
        steps.add(
            Step.named("mesh/" + plane.kind().id() + "/file")
                .description("remove the nodes' peers from " + file + " (other peers stay)")
                .doneWhen(c -> !WgQuickPeers.hasAny(file, planeKeys.keySet()))
                .apply(c -> WgQuickPeers.remove(file, planeKeys.keySet())));
      }
    }
  }

  private Set<WgKey> running(String name, Set<WgKey> keys) {
    return wireGuard.device(name).map(WgDevice::peers).orElse(List.of()).stream()
        .map(WgPeerState::publicKey)
        .filter(keys::contains)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private boolean recordsAny(Set<WgKey> keys) {
    boolean recorded =
        hostStore.peers().nodes().stream()
            .anyMatch(n -> n.keys().values().stream().anyMatch(keys::contains));
    return recorded
        || Stream.of(PlaneKind.values())
            .anyMatch(k -> hostStore.owned(k).stream().anyMatch(keys::contains));
  }

  private void forgetRecords(Set<WgKey> keys) {
    List<MeshNode> peers = hostStore.peers().nodes();
    List<MeshNode> left =
        peers.stream().filter(n -> n.keys().values().stream().noneMatch(keys::contains)).toList();
    if (left.size() != peers.size()) {
      hostStore.savePeers(new Mesh(left));
    }
    for (PlaneKind kind : PlaneKind.values()) {
      Set<WgKey> owned = hostStore.owned(kind);
      Set<WgKey> kept = new LinkedHashSet<>(owned);
      kept.removeAll(keys);
      if (kept.size() != owned.size()) {
        hostStore.saveOwned(kind, kept);
      }
    }
  }

  // ---------------------------------------------------------------- /etc/hosts

  private void addHostsStep(String cluster, List<Target> remove, List<Step> steps) {
    if (ClusterBootstrap.currentBlock(new HostsFile(etcHosts).read(), cluster).isEmpty()) {
      return;
    }
    remove.add(new Target("hosts-block", "# kldload-k8s-cluster " + cluster, etcHosts.toString()));
    steps.add(
        Step.named("hosts")
            .description(
                "remove the " + cluster + " block from " + etcHosts + " (other lines stay)")
            .doneWhen(
                c ->
                    ClusterBootstrap.currentBlock(new HostsFile(etcHosts).read(), cluster)
                        .isEmpty())
            .apply(
                c ->
                    new HostsFile(etcHosts)
                        .write(
                            ClusterBootstrap.replaceBlock(
                                new HostsFile(etcHosts).read(), cluster, List.of()))));
  }

  // ---------------------------------------------------------------- text form

  /** The listing as the command prints it before asking. */
  public static String text(Listing listing) {
    StringBuilder sb = new StringBuilder();
    if (listing.remove().isEmpty()) {
      sb.append("nothing of cluster ").append(listing.cluster()).append(" is left to remove\n");
    } else {
      sb.append("will remove (cluster ")
          .append(listing.cluster())
          .append(listing.all() ? ", golden included" : ", golden kept")
          .append("):\n");
      listing.remove().stream()
          .sorted(Comparator.comparing(Target::kind))
          .forEach(
              t ->
                  sb.append("  ")
                      .append(t.kind())
                      .append(' ')
                      .append(t.object())
                      .append(t.where() == null ? "" : " on " + t.where())
                      .append('\n'));
    }
    if (!listing.kept().isEmpty()) {
      sb.append("will keep (not this cluster's):\n");
      listing.kept().forEach(k -> sb.append("  ").append(k).append('\n'));
    }
    return sb.toString();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
