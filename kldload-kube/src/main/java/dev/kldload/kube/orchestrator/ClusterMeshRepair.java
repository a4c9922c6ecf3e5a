package dev.kldload.kube.orchestrator;

import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.value.HostName;
import dev.kldload.kube.ssh.RemoteResult;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kube.ssh.SshTarget;
import dev.kldload.net.InterfaceConfig;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.PeerSpec;
import dev.kldload.net.Plane;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPeerState;
import dev.kldload.net.WireGuard;
import dev.kldload.net.node.MeshService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * {@code kube-cluster mesh-repair}: every node's planes and the host's reconciled to the manifest.
 * The host re-joins both planes with every node as a peer ({@link MeshService#join}: peers it added
 * and the manifest no longer has are removed, peers someone else added are kept). Each node's plane
 * is ours as a whole (its seed wrote it): when its peers differ from the manifest's, its wg-quick
 * file is replaced (0600) and the running interface synced to it over SSH with the pinned host key,
 * so only the differences change on the wire. A node that cannot be reached fails its own steps;
 * the others are repaired and the run ends degraded, naming it.
 */
public final class ClusterMeshRepair {
  private final NetworkPlan plan;
  private final NodeSeeds seeds;
  private final MeshService hostMesh;
  private final WireGuard hostWireGuard;
  private final RemoteShell shell;
  private final Duration timeout;
  private final AtomicInteger added = new AtomicInteger();
  private final AtomicInteger removed = new AtomicInteger();

  /**
   * @param hostWireGuard the host's WireGuard, to count what the host's re-join changed
   * @param shell SSH to the nodes as root, pinned to the cluster's known_hosts
   * @param timeout the deadline of each remote command
   */
  public ClusterMeshRepair(
      NetworkPlan plan,
      NodeSeeds seeds,
      MeshService hostMesh,
      WireGuard hostWireGuard,
      RemoteShell shell,
      Duration timeout) {
    this.plan = plan;
    this.seeds = seeds;
    this.hostMesh = hostMesh;
    this.hostWireGuard = hostWireGuard;
    this.shell = shell;
    this.timeout = timeout;
  }

  /** Peers added by the last run of a plan of this instance, host and nodes together. */
  public int added() {
    return added.get();
  }

  public int removed() {
    return removed.get();
  }

  /** The host's peers per plane now; take it before and after a run to {@link #countHost}. */
  public Map<String, Set<WgKey>> hostPeers() {
    Map<String, Set<WgKey>> out = new LinkedHashMap<>();
    for (Plane p : plan.planes()) {
      out.put(
          p.interfaceName(),
          hostWireGuard.device(p.interfaceName()).stream()
              .flatMap(d -> d.peers().stream())
              .map(WgPeerState::publicKey)
              .collect(Collectors.toSet()));
    }
    return out;
  }

  /** Adds what changed on the host between {@code before} and {@code after} to the counts. */
  public void countHost(Map<String, Set<WgKey>> before, Map<String, Set<WgKey>> after) {
    for (String plane : after.keySet()) {
      Set<WgKey> was = before.getOrDefault(plane, Set.of());
      Set<WgKey> now = after.get(plane);
      added.addAndGet((int) now.stream().filter(k -> !was.contains(k)).count());
      removed.addAndGet((int) was.stream().filter(k -> !now.contains(k)).count());
    }
  }

  /** The repair of {@code manifest}'s mesh; builds without changing anything. */
  public Plan plan(ClusterManifest manifest) {
    Plan.Builder builder = Plan.builder("kube-cluster-mesh-repair-" + manifest.name());
    Plan join = hostMesh.join(plan.hostId(), seeds.mesh(manifest));
    for (Step step : join.ordered()) {
      builder.add(
          new RenamedStep(
              step,
              "host/" + step.id(),
              step.dependsOn().stream().map(d -> "host/" + d).collect(Collectors.toSet())));
    }
    for (NodeRecord node : manifest.nodes()) {
      NodeSeed seed = seeds.seed(manifest, node.name());
      SshTarget target = SshTarget.root(HostName.of(node.name()), node.lanAddress());
      for (Plane p : plan.planes()) {
        builder.add(nodePlane(node, target, seed.plane(p.kind())));
      }
    }
    return builder.build();
  }

  private Step nodePlane(NodeRecord node, SshTarget target, InterfaceConfig desired) {
    String iface = desired.name();
    Set<WgKey> want = desired.peers().stream().map(PeerSpec::publicKey).collect(Collectors.toSet());
    return Step.named("nodes/" + node.name() + "/" + iface)
        .description(
            "reconcile " + node.name() + "'s " + iface + " to " + want.size() + " peers (over SSH)")
        .nonCritical()
        .doneWhen(c -> peers(target, iface).map(want::equals).orElse(false))
        .apply(
            c -> {
              Set<WgKey> have = peers(target, iface).orElse(Set.of());
              shell.upload(
                  target,
                  desired.wgQuick().getBytes(StandardCharsets.UTF_8),
                  seeds.guestWireguardDir().resolve(iface + ".conf").toString(),
                  0600);
              if (peers(target, iface).isPresent()) {
                shell
                    .run(
                        target,
                        List.of("wg", "syncconf", iface, "/dev/stdin"),
                        timeout,
                        Optional.of(desired.setconf().getBytes(StandardCharsets.UTF_8)),
                        Optional.empty())
                    .check();
              } else {
                shell
                    .run(target, List.of("systemctl", "restart", "wg-quick@" + iface), timeout)
                    .check();
              }
              Set<WgKey> gone = new HashSet<>(have);
              gone.removeAll(want);
              Set<WgKey> fresh = new HashSet<>(want);
              fresh.removeAll(have);
              added.addAndGet(fresh.size());
              removed.addAndGet(gone.size());
            });
  }

  /** The node's peers on {@code iface}; empty when the interface is not up. */
  private Optional<Set<WgKey>> peers(SshTarget target, String iface) {
    RemoteResult r = shell.run(target, List.of("wg", "show", iface, "peers"), timeout);
    if (!r.ok()) {
      return Optional.empty();
    }
    List<WgKey> keys = new ArrayList<>();
    r.stdout()
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .map(WgKey::parse)
        .forEach(keys::add);
    return Optional.of(Set.copyOf(keys));
  }
}
