package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepContext;
import dev.kldload.core.value.HostName;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kube.ssh.RemoteResult;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kube.ssh.SshTarget;
import dev.kldload.kvm.AddressSource;
import dev.kldload.kvm.GuestAddress;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPeerState;
import dev.kldload.net.WireGuard;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The reach phase of a bootstrap: each started node is waited for until it is really there, on
 * conditions with deadlines, never fixed sleeps. {@code reach/<node>}: its DHCP lease for the
 * recorded MAC (which must be the recorded LAN address), then SSH as root with the node's pinned
 * host key, then cloud-init finished. {@code mesh/handshake/<node>/<plane>}: the host's WireGuard
 * interface of that plane shows a handshake with the node's key. All these steps are non-critical:
 * a node that never comes up fails its own steps (and cancels what depends on them), its siblings
 * go on, and the run ends "done with problems" (exit 3) instead of being undone.
 */
public final class ClusterReach {
  /** cloud-init writes this when its last stage has run (Debian 12 ships cloud-init 22.4). */
  static final String BOOT_FINISHED = "/var/lib/cloud/instance/boot-finished";

  /** How long one SSH attempt may take while waiting for the node to answer. */
  static final Duration SSH_ATTEMPT = Duration.ofSeconds(15);

  /**
   * How long each wait may take: the lease after start, SSH after the lease, cloud-init after SSH,
   * and each plane's handshake after the node is reached.
   */
  public record Deadlines(Duration lease, Duration ssh, Duration cloudInit, Duration handshake) {
    public Deadlines {
      for (Duration d : List.of(lease, ssh, cloudInit, handshake)) {
        if (d.isNegative() || d.isZero()) {
          throw KldloadException.invalid(
              "a wait deadline must be positive, not " + d, "give a duration above zero");
        }
      }
    }

    /** The same deadline for every wait (a {@code --timeout} of the whole phase per node). */
    public static Deadlines of(Duration each) {
      return new Deadlines(each, each, each, each);
    }

    /**
     * Ten minutes for each wait of a node: a TCG guest took about 80 s to its lease here, a first
     * boot with cloud-init several minutes more; three for a handshake of a node already up.
     */
    public static Deadlines defaults() {
      Duration ten = Duration.ofMinutes(10);
      return new Deadlines(ten, ten, ten, Duration.ofMinutes(3));
    }
  }

  private final NetworkPlan plan;
  private final Function<String, Hypervisor> hypervisors;
  private final RemoteShell shell;
  private final KnownHosts knownHosts;
  private final WireGuard hostWireGuard;
  private final Deadlines deadlines;
  private final Function<CancellationToken, Conditions> conditions;

  /**
   * @param hypervisors the hypervisor of each node's host (its libvirt URI, as recorded)
   * @param shell SSH as root with the cluster's admin key, checking host keys against {@code
   *     knownHosts}
   * @param knownHosts the cluster's own {@code known_hosts} ({@code <cluster dir>/known_hosts});
   *     each node's recorded host key is pinned there before its first connection
   * @param hostWireGuard this host's WireGuard interfaces (the planes it joined)
   * @param conditions how to wait ({@link Conditions#system}; tests pass a fake clock)
   */
  public ClusterReach(
      NetworkPlan plan,
      Function<String, Hypervisor> hypervisors,
      RemoteShell shell,
      KnownHosts knownHosts,
      WireGuard hostWireGuard,
      Deadlines deadlines,
      Function<CancellationToken, Conditions> conditions) {
    this.plan = plan;
    this.hypervisors = hypervisors;
    this.shell = shell;
    this.knownHosts = knownHosts;
    this.hostWireGuard = hostWireGuard;
    this.deadlines = deadlines;
    this.conditions = conditions;
  }

  public static String reachStepId(String node) {
    return "reach/" + node;
  }

  public static String handshakeStepId(String node, PlaneKind plane) {
    return "mesh/handshake/" + node + "/" + plane.id();
  }

  /**
   * Per node {@code reach/<node>} after {@code reachAfter.apply(node)} (its start, its
   * reservation), and per node and plane {@code mesh/handshake/<node>/<plane>} after its reach step
   * and {@code handshakeAfter} (the host's own mesh join).
   */
  public List<Step> steps(
      ClusterManifest manifest,
      Function<String, Collection<String>> reachAfter,
      Collection<String> handshakeAfter) {
    List<Step> out = new ArrayList<>();
    for (NodeRecord node : manifest.nodes()) {
      out.add(reach(node, reachAfter.apply(node.name())));
      for (PlaneKind kind : PlaneKind.values()) {
        out.add(handshake(node, kind, handshakeAfter));
      }
    }
    return out;
  }

  private Step reach(NodeRecord node, Collection<String> after) {
    Objects.requireNonNull(node.lanAddress(), () -> node.name() + " has no LAN address");
    Hypervisor hypervisor = hypervisors.apply(node.host());
    SshTarget target = SshTarget.root(HostName.of(node.name()), node.lanAddress());
    return Step.named(reachStepId(node.name()))
        .description(
            "wait for "
                + node.name()
                + ": DHCP lease "
                + node.lanAddress()
                + " for "
                + node.mac()
                + ", SSH as root (pinned host key), cloud-init finished")
        .after(after)
        .nonCritical()
        .doneWhen(c -> reached(hypervisor, node, target))
        .apply(c -> awaitReach(c, hypervisor, node, target));
  }

  /** One look, no waiting: the right lease, and SSH finds cloud-init's finish mark. */
  private boolean reached(Hypervisor hypervisor, NodeRecord node, SshTarget target) {
    try {
      return leases(hypervisor, node).contains(node.lanAddress())
          && shell.run(target, List.of("test", "-e", BOOT_FINISHED), SSH_ATTEMPT).ok();
    } catch (KldloadException e) {
      // not defined yet, not pinned yet, not answering: not reached
      return false;
    }
  }

  private void awaitReach(StepContext c, Hypervisor hypervisor, NodeRecord node, SshTarget target)
      throws InterruptedException {
    Conditions wait = conditions.apply(c.cancellation());
    c.note("waiting for a DHCP lease for " + node.mac());
    List<String> leased =
        wait.await(
            "a DHCP lease of " + node.name() + " for MAC " + node.mac(),
            deadlines.lease(),
            () -> {
              List<String> found = leases(hypervisor, node);
              return found.isEmpty() ? Optional.empty() : Optional.of(found);
            });
    if (!leased.contains(node.lanAddress())) {
      throw KldloadException.conflict(
          node.name()
              + " (MAC "
              + node.mac()
              + ") was leased "
              + String.join(", ", leased)
              + ", not its recorded address "
              + node.lanAddress(),
          "its reservation is missing or came after the lease: compare 'virsh net-dumpxml' and"
              + " 'virsh net-dhcp-leases' of its network, then re-run");
    }
    knownHosts.pin(target.node(), node.sshHostKey());
    c.note("waiting for SSH on " + target.display());
    wait.awaitTrue(
        "SSH as root on " + target.display(),
        deadlines.ssh(),
        () -> shell.run(target, List.of("true"), SSH_ATTEMPT).ok());
    c.note("waiting for cloud-init on " + node.name());
    RemoteResult cloudInit =
        shell.run(target, List.of("cloud-init", "status", "--wait"), deadlines.cloudInit());
    // 2: finished with recoverable errors (cloud-init 23.4+), which the node survives
    if (cloudInit.exitStatus() == 2) {
      c.note("cloud-init on " + node.name() + " finished with warnings: " + cloudInit.errorTail());
    } else {
      cloudInit.check();
    }
  }

  /** The IPv4 addresses the lease table holds for the node's recorded MAC. */
  private static List<String> leases(Hypervisor hypervisor, NodeRecord node) {
    return hypervisor.addresses(node.name(), AddressSource.LEASE).stream()
        .filter(a -> a.mac() != null && a.mac().equalsIgnoreCase(node.mac()))
        .map(GuestAddress::address)
        .filter(a -> a.indexOf(':') < 0)
        .distinct()
        .toList();
  }

  private Step handshake(NodeRecord node, PlaneKind kind, Collection<String> after) {
    String iface = plan.plane(kind).interfaceName();
    WgKey key = WgKey.parse(kind == PlaneKind.MGMT ? node.mgmtPublicKey() : node.k8sPublicKey());
    return Step.named(handshakeStepId(node.name(), kind))
        .description("wait for a WireGuard handshake with " + node.name() + " on " + iface)
        .after(reachStepId(node.name()))
        .after(after)
        .nonCritical()
        .doneWhen(c -> latestHandshake(iface, key).isPresent())
        .apply(
            c ->
                conditions
                    .apply(c.cancellation())
                    .await(
                        "a WireGuard handshake with " + node.name() + " (" + key + ") on " + iface,
                        deadlines.handshake(),
                        () -> Optional.of(handshakeOrWhy(iface, key))));
  }

  private Optional<Instant> latestHandshake(String iface, WgKey key) {
    return hostWireGuard
        .device(iface)
        .flatMap(d -> d.peer(key))
        .flatMap(WgPeerState::latestHandshake);
  }

  /** The handshake time, or an exception saying what is missing (the timeout reports the last). */
  private Instant handshakeOrWhy(String iface, WgKey key) {
    WgDevice device =
        hostWireGuard
            .device(iface)
            .orElseThrow(() -> new IllegalStateException("this host has no interface " + iface));
    WgPeerState peer =
        device
            .peer(key)
            .orElseThrow(() -> new IllegalStateException(iface + " has no peer " + key));
    return peer.latestHandshake()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    iface
                        + " peer "
                        + key
                        + " has had no handshake (sent "
                        + peer.txBytes()
                        + " bytes, received "
                        + peer.rxBytes()
                        + ")"));
  }
}
