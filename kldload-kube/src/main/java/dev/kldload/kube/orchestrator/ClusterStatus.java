package dev.kldload.kube.orchestrator;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.output.Table;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.cluster.KubeStatus;
import dev.kldload.kube.cluster.KubeconfigFiles;
import dev.kldload.kube.smoke.LastSmoke;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.xml.DomainDefinition;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.Plane;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPeerState;
import dev.kldload.net.WireGuard;
import dev.kldload.net.node.NodeStatusService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@code kube-cluster status}: what the hypervisor hosts, their disk backends and this host's
 * WireGuard planes say about each node of a manifest, and a verdict. Reads only the host side (one
 * domain listing and one disk usage look-up per host, one look at each plane): no SSH to the nodes,
 * no waiting, so it answers in well under a second whether the cluster runs or not. The API, when
 * the cluster runs Kubernetes, is asked apart ({@link #kubernetes}), under a deadline of its own.
 *
 * <p>HEALTHY when every node's domain runs with our marks, every disk is there, and on both planes
 * the host has every node as a peer with a handshake younger than {@link #STALE_AFTER} (WireGuard
 * re-handshakes every 2 minutes while traffic flows, and the nodes keep it alive); DEGRADED
 * otherwise, with one reason per node and thing (and plane).
 */
public final class ClusterStatus {
  /** A peer whose last handshake is older than this is stale (as {@code kube-network status}). */
  public static final Duration STALE_AFTER = NodeStatusService.STALE_AFTER;

  /** The cluster as a whole. */
  public enum Verdict {
    HEALTHY,
    DEGRADED
  }

  /**
   * The report, as {@code -o json|yaml} writes it.
   *
   * @param reasons one line per problem, naming the node (and plane); empty when healthy
   * @param smoke the last {@code kube-smoke-test --cluster} result, when one was recorded; it does
   *     not change the verdict (that run read the nodes, this one reads the host)
   */
  public record ClusterReport(
      String cluster,
      Verdict verdict,
      List<String> reasons,
      List<NodeReport> nodes,
      @JsonInclude(JsonInclude.Include.NON_NULL) LastSmoke smoke,
      @JsonInclude(JsonInclude.Include.NON_NULL) KubernetesReport kubernetes) {
    public ClusterReport {
      reasons = List.copyOf(reasons);
      nodes = List.copyOf(nodes);
    }

    public ClusterReport(
        String cluster, Verdict verdict, List<String> reasons, List<NodeReport> nodes) {
      this(cluster, verdict, reasons, nodes, null, null);
    }

    /** This report with the cluster's last smoke result (read from its state directory). */
    public ClusterReport withSmoke(Optional<LastSmoke> last) {
      return new ClusterReport(cluster, verdict, reasons, nodes, last.orElse(null), kubernetes);
    }

    /**
     * This report with what the API said; DEGRADED, with a reason each, when it did not answer or a
     * node is NotReady.
     */
    public ClusterReport withKubernetes(KubernetesReport api) {
      List<String> more = new ArrayList<>(reasons);
      if (api.error() != null) {
        more.add("kubernetes: " + api.error());
      }
      api.notReady().forEach(n -> more.add(n + ": NotReady in the API"));
      return new ClusterReport(
          cluster, more.isEmpty() ? Verdict.HEALTHY : Verdict.DEGRADED, more, nodes, smoke, api);
    }

    /** 0 when healthy, 3 when degraded (the command's exit status). */
    public ExitCode exitCode() {
      return verdict == Verdict.HEALTHY ? ExitCode.OK : ExitCode.DEGRADED;
    }
  }

  /**
   * The cluster as its API sees it, through the cluster's own kubeconfig.
   *
   * @param server the API server the kubeconfig names
   * @param error why there is nothing else (the API did not answer in time); null when it answered
   * @param notReady the nodes the API has that are not Ready
   * @param addOns the add-ons kube-init installs, each with its readiness (absent ones not ready)
   */
  public record KubernetesReport(
      String server,
      @JsonInclude(JsonInclude.Include.NON_NULL) String error,
      int nodesReady,
      int nodesTotal,
      List<String> notReady,
      int systemPodsRunning,
      int systemPodsTotal,
      List<AddOnReport> addOns) {
    public KubernetesReport {
      notReady = List.copyOf(notReady);
      addOns = List.copyOf(addOns);
    }

    static KubernetesReport unanswered(String server, String error) {
      return new KubernetesReport(server, error, 0, 0, List.of(), 0, 0, List.of());
    }
  }

  /** An add-on's DaemonSet or Deployment: its replicas ready of desired, 0/0 when absent. */
  public record AddOnReport(
      String name,
      String namespace,
      boolean installed,
      boolean ready,
      int readyReplicas,
      int desired) {}

  /**
   * One look at the API through {@code kubeconfig}, cut off after {@code deadline}: a cluster whose
   * VMs are down answers "did not answer" in that time, not after each call's own timeouts.
   */
  public static KubernetesReport kubernetes(
      Path kubeconfig,
      KubeconfigFiles kubeconfigs,
      BiFunction<Path, CancellationToken, Cluster> clusters,
      Duration deadline) {
    String server;
    try {
      server = kubeconfigs.server(Files.readString(kubeconfig), kubeconfig.toString());
    } catch (IOException | KldloadException e) {
      return KubernetesReport.unanswered(
          kubeconfig.toString(),
          "cannot read the kubeconfig " + kubeconfig + ": " + e.getMessage());
    }
    CancellationToken cancellation = new CancellationToken();
    ExecutorService looker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "kube-status");
              t.setDaemon(true);
              return t;
            });
    Future<KubeStatus.Report> look =
        looker.submit(
            () ->
                new KubeStatus(kubeconfig, kubeconfig, file -> clusters.apply(file, cancellation))
                    .status(new KubeStatus.Request(Optional.of(kubeconfig))));
    try {
      return report(server, look.get(deadline.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return KubernetesReport.unanswered(
          server, "the API at " + server + " did not answer within " + deadline.toSeconds() + " s");
    } catch (ExecutionException e) {
      return KubernetesReport.unanswered(
          server, "the API at " + server + " did not answer: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KldloadException(
          ErrorKind.INTERRUPTED, "interrupted while asking the API at " + server, null, e);
    } finally {
      cancellation.cancel();
      looker.shutdownNow();
    }
  }

  private static KubernetesReport report(String server, KubeStatus.Report status) {
    List<KubeStatus.NodeView> nodes = status.nodes();
    List<KubeStatus.PodView> pods = status.systemPods();
    return new KubernetesReport(
        server,
        null,
        (int) nodes.stream().filter(KubeStatus.NodeView::ready).count(),
        nodes.size(),
        nodes.stream().filter(n -> !n.ready()).map(KubeStatus.NodeView::name).toList(),
        (int) pods.stream().filter(p -> p.phase().equals("Running")).count(),
        pods.size(),
        status.components().stream()
            .map(
                c ->
                    new AddOnReport(
                        c.name(),
                        c.namespace(),
                        c.installed(),
                        c.ready(),
                        c.readyReplicas(),
                        c.desired()))
            .toList());
  }

  /**
   * One node.
   *
   * @param role {@code control-plane} or {@code worker}
   * @param host the libvirt URI of its hypervisor host
   * @param state the domain's state ({@code running}, {@code shut-off}, {@code saved}), {@code
   *     missing} without a domain, {@code unknown} when the host did not answer
   * @param managed whether the domain carries this cluster's marks (false when missing)
   * @param mesh the host's peer for the node, one per plane (mgmt, then k8s)
   */
  public record NodeReport(
      String name,
      String role,
      String host,
      String state,
      boolean managed,
      String lanAddress,
      String mgmtAddress,
      String k8sAddress,
      DiskReport disk,
      List<PeerReport> mesh) {
    public NodeReport {
      mesh = List.copyOf(mesh);
    }
  }

  /**
   * The node's disk on its host's backend.
   *
   * @param capacityBytes null when the disk is missing or the backend did not report it
   * @param usedBytes space allocated on the host; null as capacityBytes
   * @param origin the snapshot the node was cloned from, as the domain's marks record it
   */
  public record DiskReport(
      String path,
      boolean exists,
      boolean partial,
      Long capacityBytes,
      Long usedBytes,
      String origin) {}

  /**
   * The host's peer for the node's key on one plane.
   *
   * @param configured whether the host's interface has a peer with the node's key
   * @param latestHandshake null when never (or not configured)
   * @param handshakeAgeSeconds null when never
   */
  public record PeerReport(
      String plane,
      String interfaceName,
      boolean configured,
      Instant latestHandshake,
      Long handshakeAgeSeconds) {}

  private final NetworkPlan plan;
  private final Function<String, Hypervisor> hypervisors;
  private final Function<String, DiskBackend> disks;
  private final WireGuard wireGuard;
  private final Clock clock;

  /**
   * @param hypervisors the hypervisor of each node's host (its libvirt URI, as recorded)
   * @param disks the disk backend of each node's host
   * @param wireGuard this host's WireGuard (the host is every node's peer)
   */
  public ClusterStatus(
      NetworkPlan plan,
      Function<String, Hypervisor> hypervisors,
      Function<String, DiskBackend> disks,
      WireGuard wireGuard,
      Clock clock) {
    this.plan = plan;
    this.hypervisors = hypervisors;
    this.disks = disks;
    this.wireGuard = wireGuard;
    this.clock = clock;
  }

  /** What a host said: its domains by name, or why it said nothing. */
  private record HostView(Map<String, VmDomain> domains, String error) {}

  public ClusterReport report(ClusterManifest manifest) {
    Instant now = clock.instant();
    Map<String, HostView> hosts = new LinkedHashMap<>();
    Map<String, Map<Path, DiskBackend.DiskUsage>> usage = new LinkedHashMap<>();
    Set<String> uris = new LinkedHashSet<>();
    manifest.nodes().forEach(n -> uris.add(n.host()));
    for (String uri : uris) {
      hosts.put(uri, look(uri));
      DiskBackend backend = disks.apply(uri);
      List<Path> paths =
          manifest.nodes().stream()
              .filter(n -> n.host().equals(uri))
              .map(n -> backend.diskOf(VmName.of(n.name())).path())
              .toList();
      usage.put(uri, backend.usage(paths));
    }
    Map<PlaneKind, Optional<WgDevice>> devices = new LinkedHashMap<>();
    for (Plane plane : plan.planes()) {
      devices.put(plane.kind(), wireGuard.device(plane.interfaceName()));
    }
    List<String> reasons = new ArrayList<>();
    List<NodeReport> nodes = new ArrayList<>();
    for (NodeRecord node : manifest.nodes()) {
      String name = node.name();
      HostView host = hosts.get(node.host());
      Optional<VmDomain> domain = Optional.ofNullable(host.domains().get(name));
      Optional<DomainMetadata> marks =
          domain.flatMap(d -> DomainDefinition.parse(d.xml()).metadata());
      boolean managed = marks.map(m -> ours(m, manifest.name())).orElse(false);
      String state;
      if (host.error() != null) {
        state = "unknown";
        reasons.add(name + ": host " + node.host() + " did not answer: " + host.error());
      } else if (domain.isEmpty()) {
        state = "missing";
        reasons.add(name + ": no domain on " + node.host());
      } else {
        state = domain.get().stateLabel();
        if (!managed) {
          reasons.add(
              name
                  + ": domain "
                  + name
                  + " on "
                  + node.host()
                  + " is not this cluster's (no "
                  + ClusterBootstrap.OWNER
                  + " marks for "
                  + manifest.name()
                  + ")");
        } else if (domain.get().state() != DomainState.RUNNING) {
          reasons.add(name + ": domain is " + state);
        }
      }
      DiskBackend backend = disks.apply(node.host());
      VmName vm = VmName.of(name);
      Path path = backend.diskOf(vm).path();
      boolean exists = backend.exists(vm);
      boolean partial = exists && backend.partial(vm);
      Optional<DiskBackend.DiskUsage> used = Optional.ofNullable(usage.get(node.host()).get(path));
      if (!exists) {
        reasons.add(name + ": no disk " + path);
      } else if (partial) {
        reasons.add(name + ": disk " + path + " is an unfinished copy");
      }
      DiskReport disk =
          new DiskReport(
              path.toString(),
              exists,
              partial,
              used.map(DiskBackend.DiskUsage::capacityBytes).orElse(null),
              used.map(DiskBackend.DiskUsage::usedBytes).orElse(null),
              managed ? marks.flatMap(DomainMetadata::cloneOrigin).orElse(null) : null);
      List<PeerReport> mesh = new ArrayList<>();
      for (Plane plane : plan.planes()) {
        PeerReport peer = peer(node, plane, devices.get(plane.kind()), now);
        mesh.add(peer);
        problem(peer, plane, devices.get(plane.kind()).isPresent())
            .ifPresent(p -> reasons.add(name + " " + plane.interfaceName() + p));
      }
      nodes.add(
          new NodeReport(
              name,
              node.role().label(),
              node.host(),
              state,
              managed,
              node.lanAddress(),
              node.mgmtAddress(),
              node.k8sAddress(),
              disk,
              mesh));
    }
    if (manifest.nodes().isEmpty()) {
      reasons.add(manifest.name() + ": the manifest records no nodes");
    }
    return new ClusterReport(
        manifest.name(), reasons.isEmpty() ? Verdict.HEALTHY : Verdict.DEGRADED, reasons, nodes);
  }

  /** Whether {@code marks} say: made by kube-cluster for {@code cluster}. */
  static boolean ours(DomainMetadata marks, String cluster) {
    return marks.owner().equals(ClusterBootstrap.OWNER)
        && marks.cluster().equals(Optional.of(cluster));
  }

  private HostView look(String uri) {
    try {
      Map<String, VmDomain> byName = new LinkedHashMap<>();
      hypervisors.apply(uri).domains().forEach(d -> byName.put(d.name(), d));
      return new HostView(byName, null);
    } catch (KldloadException e) {
      // an unreachable host makes its nodes "unknown", the others are still reported
      return new HostView(Map.of(), e.getMessage());
    }
  }

  private static PeerReport peer(
      NodeRecord node, Plane plane, Optional<WgDevice> device, Instant now) {
    WgKey key =
        WgKey.parse(plane.kind() == PlaneKind.MGMT ? node.mgmtPublicKey() : node.k8sPublicKey());
    Optional<WgPeerState> state = device.flatMap(d -> d.peer(key));
    Optional<Instant> handshake = state.flatMap(WgPeerState::latestHandshake);
    return new PeerReport(
        plane.kind().id(),
        plane.interfaceName(),
        state.isPresent(),
        handshake.orElse(null),
        handshake.map(t -> Math.max(0, Duration.between(t, now).toSeconds())).orElse(null));
  }

  /** What is wrong with the peer, as the end of a reason line after node and interface. */
  private static Optional<String> problem(PeerReport peer, Plane plane, boolean interfaceThere) {
    if (!peer.configured()) {
      return Optional.of(
          interfaceThere
              ? ": the host has no peer with the node's key"
              : ": the host has no " + plane.interfaceName() + " interface");
    }
    if (peer.handshakeAgeSeconds() == null) {
      return Optional.of(": no handshake yet");
    }
    if (peer.handshakeAgeSeconds() > STALE_AFTER.toSeconds()) {
      return Optional.of(
          ": last handshake "
              + peer.handshakeAgeSeconds()
              + "s ago (more than "
              + STALE_AFTER.toSeconds()
              + "s)");
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- table form

  /**
   * The table form: the verdict with its reasons, then one row per node (kubectl-style, no colour).
   */
  public static String table(ClusterReport report) {
    StringBuilder sb = new StringBuilder();
    sb.append("cluster ").append(report.cluster()).append(": ").append(report.verdict());
    sb.append('\n');
    report.reasons().forEach(r -> sb.append("  ").append(r).append('\n'));
    if (report.smoke() != null) {
      sb.append("last smoke test: ").append(report.smoke().line()).append('\n');
    }
    if (report.kubernetes() != null) {
      sb.append(kubernetesLines(report.kubernetes()));
    }
    if (report.nodes().isEmpty()) {
      return sb.toString();
    }
    sb.append('\n');
    sb.append(
        Table.of(NodeReport.class)
            .column("NODE", NodeReport::name)
            .column("ROLE", NodeReport::role)
            .column(
                "STATE",
                n ->
                    n.managed() || n.state().equals("missing")
                        ? n.state()
                        : n.state() + " (foreign)")
            .column("LAN", NodeReport::lanAddress)
            .column("WG-MGMT", NodeReport::mgmtAddress)
            .column("WG-K8S", NodeReport::k8sAddress)
            .column(
                "DISK",
                n -> n.disk().exists() ? (n.disk().partial() ? "partial" : "yes") : "missing")
            .right(
                "USED",
                n -> n.disk().usedBytes() == null ? null : ByteSize.human(n.disk().usedBytes()))
            .right("MGMT-HANDSHAKE", n -> handshake(n, PlaneKind.MGMT))
            .right("K8S-HANDSHAKE", n -> handshake(n, PlaneKind.K8S))
            .column("HOST", NodeReport::host)
            .render(report.nodes()));
    return sb.toString();
  }

  private static String kubernetesLines(KubernetesReport api) {
    StringBuilder sb = new StringBuilder("kubernetes (" + api.server() + "): ");
    if (api.error() != null) {
      return sb.append(api.error()).append('\n').toString();
    }
    sb.append("nodes ")
        .append(api.nodesReady())
        .append('/')
        .append(api.nodesTotal())
        .append(" Ready, kube-system pods ")
        .append(api.systemPodsRunning())
        .append('/')
        .append(api.systemPodsTotal())
        .append(" running\n  add-ons:");
    for (AddOnReport a : api.addOns()) {
      sb.append(' ')
          .append(a.name())
          .append(' ')
          .append(a.installed() ? a.readyReplicas() + "/" + a.desired() : "absent");
    }
    return sb.append('\n').toString();
  }

  private static String handshake(NodeReport node, PlaneKind plane) {
    Optional<PeerReport> found =
        node.mesh().stream().filter(p -> p.plane().equals(plane.id())).findFirst();
    if (found.isEmpty()) {
      return null;
    }
    PeerReport peer = found.get();
    if (!peer.configured()) {
      return "no peer";
    }
    return peer.handshakeAgeSeconds() == null ? "never" : peer.handshakeAgeSeconds() + "s ago";
  }
}
