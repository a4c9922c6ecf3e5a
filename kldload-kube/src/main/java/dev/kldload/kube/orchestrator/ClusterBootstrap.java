package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.seed.NoCloudSeed;
import dev.kldload.kvm.seed.SeedRequest;
import dev.kldload.kvm.xml.CloneEditor;
import dev.kldload.kvm.xml.DomainDefinition;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.MacAddress;
import dev.kldload.kvm.xml.Xml;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.node.MeshService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The bootstrap plan of a cluster up to a running mesh, phases {@code clones} and {@code mesh}, as
 * one DAG for the plan engine. Per node, independent of every other node: clone the golden's disk
 * ({@code clones/<node>/disk}), write the node's seed ISO ({@code clones/<node>/seed}, 0600),
 * define the domain from the golden's definition with the node's recorded MAC, no uuid, our marks
 * and the manifest's size for its role ({@code clones/<node>/define}), start it ({@code
 * clones/<node>/start}). Then the host's side: the host joins both planes as node {@code
 * net.host-id} with every node as a peer ({@code mesh/host-join/...}, the steps of {@link
 * MeshService#join}) and the cluster's block in {@code /etc/hosts} ({@code mesh/etc-hosts}).
 *
 * <p>Every step observes the world to know whether it is done; every step that makes something
 * declares it and how to undo it, so a failed run is undone by the engine and an interrupted one
 * resumes. What a node is (MAC, instance-id, keys) comes from the manifest, decided once by {@link
 * ClusterStore#admit}: a re-run converges to the same domains, MACs and seeds.
 *
 * <p>Not here: building the golden (refused when missing), reaching the nodes over SSH, the host's
 * firewall.
 */
public final class ClusterBootstrap {
  /** What marks our domains as made by this tool. */
  public static final String OWNER = "kube-cluster";

  /** The golden domain and its disk snapshot the nodes are cloned from. */
  public record Golden(VmName domain, String snapshot) {
    public String origin() {
      return domain + "@" + snapshot;
    }
  }

  /**
   * Writes a node's seed ISO at {@code iso}, atomically and 0600; normally {@link
   * NoCloudSeed#writeIso}.
   */
  @FunctionalInterface
  public interface SeedWriter {
    void write(SeedRequest request, Path iso);
  }

  private final NetworkPlan plan;
  private final NodeSeeds seeds;
  private final Function<String, Hypervisor> hypervisors;
  private final Function<String, DiskBackend> disks;
  private final SeedWriter seedWriter;
  private final Path seedDir;
  private final MeshService hostMesh;
  private final Path etcHosts;

  /**
   * @param hypervisors the hypervisor of each node's host (its libvirt URI, as recorded)
   * @param disks the disk backend of each node's host
   * @param seedWriter writes a seed ISO ({@code new NoCloudSeed(runner)::writeIso})
   * @param seedDir where the nodes' seed ISOs go ({@code <node>-seed.iso})
   * @param hostMesh the host's own mesh service (its node store, WireGuard and settings)
   * @param etcHosts the host's hosts file ({@code /etc/hosts})
   */
  public ClusterBootstrap(
      NetworkPlan plan,
      NodeSeeds seeds,
      Function<String, Hypervisor> hypervisors,
      Function<String, DiskBackend> disks,
      SeedWriter seedWriter,
      Path seedDir,
      MeshService hostMesh,
      Path etcHosts) {
    this.plan = plan;
    this.seeds = seeds;
    this.hypervisors = hypervisors;
    this.disks = disks;
    this.seedWriter = seedWriter;
    this.seedDir = seedDir;
    this.hostMesh = hostMesh;
    this.etcHosts = etcHosts;
  }

  public Path seedIso(String node) {
    return seedDir.resolve(node + "-seed.iso");
  }

  /**
   * The plan for {@code manifest} (after {@link ClusterStore#admit}), cloned from {@code golden}.
   * Changes nothing: a missing golden, a golden with another shape than one disk and one NIC, and a
   * node's seed whose keys are missing are refused here, before any step runs.
   */
  public Plan plan(ClusterManifest manifest, Golden golden) {
    return plan(manifest, golden, Phase.MESH, List.of());
  }

  /**
   * The plan up to and including {@code until} ({@link Phase#CLONES} leaves the mesh out), after
   * {@code preflight}: steps every node's start waits for (the libvirt network), while disks and
   * seeds are made meanwhile.
   */
  public Plan plan(ClusterManifest manifest, Golden golden, Phase until, List<Step> preflight) {
    if (manifest.nodes().isEmpty()) {
      throw KldloadException.precondition(
          "cluster " + manifest.name() + " has no nodes", "admit the cluster's nodes first");
    }
    Plan.Builder builder = Plan.builder("kube-cluster-bootstrap-" + manifest.name());
    builder.addAll(preflight);
    List<String> before = preflight.stream().map(Step::id).toList();
    List<String> started = new ArrayList<>();
    for (NodeRecord node : manifest.nodes()) {
      started.add(addClone(builder, manifest, node, golden, before));
    }
    if (!until.includes(Phase.MESH)) {
      return builder.build();
    }
    List<String> joined = new ArrayList<>();
    Plan join = hostMesh.join(plan.hostId(), seeds.mesh(manifest));
    for (Step step : join.ordered()) {
      Set<String> deps =
          step.dependsOn().isEmpty()
              ? Set.copyOf(started)
              : step.dependsOn().stream().map(ClusterBootstrap::joinId).collect(Collectors.toSet());
      builder.add(new RenamedStep(step, joinId(step.id()), deps));
      joined.add(joinId(step.id()));
    }
    builder.add(etcHostsStep(manifest, joined));
    return builder.build();
  }

  private static String joinId(String id) {
    return "mesh/host-join/" + id;
  }

  /**
   * Each node's domain definition as its {@code define} step would write it; nothing is changed.
   */
  public Map<String, String> domainXmls(ClusterManifest manifest, Golden golden) {
    Map<String, String> out = new LinkedHashMap<>();
    for (NodeRecord node : manifest.nodes()) {
      out.put(node.name(), new NodeClone(manifest, node, golden).xml);
    }
    return out;
  }

  /** One node's clone as planned: its host, disk, seed and domain definition. */
  private final class NodeClone {
    final Hypervisor hypervisor;
    final DiskBackend backend;
    final DiskBackend.DiskSnapshot snapshot;
    final VmName vm;
    final MacAddress mac;
    final Path disk;
    final Path iso;
    final NodeSize size;
    final String xml;

    NodeClone(ClusterManifest manifest, NodeRecord node, Golden golden) {
      hypervisor = hypervisors.apply(node.host());
      backend = disks.apply(node.host());
      VmDomain source =
          hypervisor
              .domain(golden.domain().value())
              .orElseThrow(
                  () ->
                      KldloadException.precondition(
                          "golden " + golden.domain() + " is not defined on " + hypervisor.uri(),
                          "run 'kube-cluster golden' first"));
      snapshot =
          backend
              .findSnapshot(golden.domain(), golden.snapshot())
              .orElseThrow(
                  () ->
                      KldloadException.precondition(
                          "golden "
                              + golden.domain()
                              + " has no disk snapshot "
                              + golden.snapshot(),
                          "run 'kube-cluster golden' first"));
      DomainDefinition def = DomainDefinition.parse(source.xml());
      List<DomainDefinition.DiskEntry> data = def.dataDisks();
      if (data.size() != 1 || data.get(0).source().isEmpty() || def.nics() != 1) {
        throw KldloadException.precondition(
            "golden "
                + golden.domain()
                + " has "
                + data.size()
                + " disks and "
                + def.nics()
                + " NICs; a node is cloned from one disk and one NIC",
            "rebuild it with 'kube-cluster golden'");
      }
      if (def.nvram().isPresent()) {
        throw KldloadException.precondition(
            "golden " + golden.domain() + " boots with UEFI vars; node clones copy none",
            "rebuild it with 'kube-cluster golden' (BIOS boot)");
      }
      vm = VmName.of(node.name());
      mac = new MacAddress(node.mac());
      disk = backend.diskOf(vm).path();
      iso = seedIso(node.name());
      size =
          node.role() == Role.CONTROL_PLANE ? manifest.controlPlaneSize() : manifest.workerSize();
      DomainMetadata marks =
          new DomainMetadata(
              OWNER,
              node.role() == Role.CONTROL_PLANE ? "cp" : "worker",
              Optional.of(manifest.name()),
              Optional.of(golden.origin()));
      xml =
          sized(
              CloneEditor.edit(
                  source.xml(),
                  vm,
                  Map.of(data.get(0).source().get(), disk),
                  Optional.empty(),
                  List.of(mac),
                  Optional.of(iso),
                  marks),
              size);
    }
  }

  /** Adds one node's chain; returns the id of its last step. */
  private String addClone(
      Plan.Builder builder,
      ClusterManifest manifest,
      NodeRecord node,
      Golden golden,
      List<String> preflight) {
    NodeClone clone = new NodeClone(manifest, node, golden);
    Hypervisor hypervisor = clone.hypervisor;
    DiskBackend backend = clone.backend;
    DiskBackend.DiskSnapshot snapshot = clone.snapshot;
    String name = node.name();
    VmName vm = clone.vm;
    MacAddress mac = clone.mac;
    List<MacAddress> macs = List.of(mac);
    Path disk = clone.disk;
    Path iso = clone.iso;
    NodeSeed seed = seeds.seed(manifest, name);
    NodeSize size = clone.size;
    String xml = clone.xml;
    String prefix = "clones/" + name + "/";
    builder.add(
        Step.named(prefix + "disk")
            .description("clone " + golden.origin() + " to " + disk)
            .creates(disk.toString())
            .doneWhen(c -> backend.exists(vm) && !backend.partial(vm))
            .undo(c -> backend.destroy(vm))
            .apply(
                c ->
                    backend.cloneFrom(
                        snapshot, vm, OWNER, node.role() == Role.CONTROL_PLANE ? "cp" : "worker")));
    builder.add(
        Step.named(prefix + "seed")
            .description("write the seed " + iso + " (identity, keys, mesh, firewall; 0600)")
            .creates(iso.toString())
            .doneWhen(c -> NoCloudSeed.carries(iso, node.instanceId(), macs))
            .undo(c -> Files.deleteIfExists(iso))
            .apply(c -> seedWriter.write(seed.request(), iso)));
    builder.add(
        Step.named(prefix + "define")
            .description("define domain " + name + " (" + size + ", MAC " + mac + ")")
            .after(prefix + "disk", prefix + "seed")
            .creates("domain " + name)
            .doneWhen(c -> hypervisor.domain(name).map(d -> carriesMac(d, mac)).orElse(false))
            .undo(c -> remove(hypervisor, name))
            .apply(
                c -> {
                  hypervisor
                      .domain(name)
                      .ifPresent(
                          d -> {
                            throw KldloadException.conflict(
                                "a domain named "
                                    + name
                                    + " exists on "
                                    + hypervisor.uri()
                                    + " without the MAC "
                                    + mac
                                    + " recorded for the node",
                                "remove it ('kvm-delete " + name + "') or choose another cluster");
                          });
                  hypervisor.define(xml);
                }));
    String start = prefix + "start";
    builder.add(
        Step.named(start)
            .description("start " + name)
            .after(prefix + "define")
            .after(preflight)
            .doneWhen(c -> running(hypervisor, name))
            .undo(
                c -> {
                  if (running(hypervisor, name)) {
                    hypervisor.powerOff(name);
                  }
                })
            .apply(c -> hypervisor.start(name)));
    return start;
  }

  private static boolean running(Hypervisor hypervisor, String name) {
    return hypervisor.domain(name).map(d -> d.state().active()).orElse(false);
  }

  private static void remove(Hypervisor hypervisor, String name) {
    Optional<VmDomain> domain = hypervisor.domain(name);
    if (domain.isEmpty()) {
      return;
    }
    if (domain.get().state().active()) {
      hypervisor.powerOff(name);
    }
    hypervisor.undefine(name);
  }

  /** Whether the domain's first NIC has {@code mac}. */
  static boolean carriesMac(VmDomain domain, MacAddress mac) {
    Element root = Xml.parse(domain.xml()).getDocumentElement();
    return Xml.first(root, "devices").stream()
        .flatMap(d -> Xml.children(d, "interface").stream())
        .flatMap(i -> Xml.first(i, "mac").stream())
        .flatMap(m -> Xml.attr(m, "address").stream())
        .anyMatch(a -> a.equalsIgnoreCase(mac.value()));
  }

  /** The definition with {@code size}'s memory and vCPUs. */
  static String sized(String xml, NodeSize size) {
    Document doc = Xml.parse(xml);
    Element root = doc.getDocumentElement();
    String kib = Long.toString(size.memory().bytes() / 1024);
    for (String tag : List.of("memory", "currentMemory")) {
      Element e = Xml.first(root, tag).orElseGet(() -> Xml.child(root, tag));
      e.setAttribute("unit", "KiB");
      e.setTextContent(kib);
    }
    Element vcpu = Xml.first(root, "vcpu").orElseGet(() -> Xml.child(root, "vcpu"));
    vcpu.setTextContent(Integer.toString(size.cpus()));
    return Xml.write(doc);
  }

  // ---------------------------------------------------------------- /etc/hosts

  static String beginMarker(String cluster) {
    return "# kldload-k8s-cluster " + cluster;
  }

  static String endMarker(String cluster) {
    return "# end-kldload-k8s-cluster " + cluster;
  }

  /** The block's lines, markers included: each node's name at its wg-mgmt address. */
  static List<String> hostsBlock(ClusterManifest manifest) {
    List<String> lines = new ArrayList<>();
    lines.add(beginMarker(manifest.name()));
    for (NodeRecord node : manifest.nodes()) {
      String address = node.mgmtAddress().replaceFirst("/\\d+$", "");
      lines.add(address + "\t" + node.name());
    }
    lines.add(endMarker(manifest.name()));
    return lines;
  }

  private Step etcHostsStep(ClusterManifest manifest, List<String> after) {
    List<String> block = hostsBlock(manifest);
    String cluster = manifest.name();
    // the block as it was before this run wrote it (empty: none), for undo
    AtomicReference<List<String>> before = new AtomicReference<>(List.of());
    return Step.named("mesh/etc-hosts")
        .description("write the nodes' wg-mgmt names to " + etcHosts + " (our block only)")
        .after(after)
        .creates(etcHosts + " block " + cluster)
        .doneWhen(c -> currentBlock(new HostsFile(etcHosts).read(), cluster).equals(block))
        .undo(
            c ->
                new HostsFile(etcHosts)
                    .write(replaceBlock(new HostsFile(etcHosts).read(), cluster, before.get())))
        .apply(
            c -> {
              List<String> lines = new HostsFile(etcHosts).read();
              before.set(currentBlock(lines, cluster));
              new HostsFile(etcHosts).write(replaceBlock(lines, cluster, block));
            });
  }

  /** The cluster's block in {@code lines}, markers included; empty when there is none. */
  static List<String> currentBlock(List<String> lines, String cluster) {
    int begin = lines.indexOf(beginMarker(cluster));
    int end = lines.indexOf(endMarker(cluster));
    if (begin < 0 || end < begin) {
      return List.of();
    }
    return List.copyOf(lines.subList(begin, end + 1));
  }

  /**
   * {@code lines} with the cluster's block replaced by {@code block} (removed when empty), in place
   * when there is one, appended otherwise; every other line as it was.
   */
  static List<String> replaceBlock(List<String> lines, String cluster, List<String> block) {
    List<String> out = new ArrayList<>(lines);
    int begin = out.indexOf(beginMarker(cluster));
    int end = out.indexOf(endMarker(cluster));
    int at = out.size();
    if (begin >= 0 && end >= begin) {
      out.subList(begin, end + 1).clear();
      at = begin;
    }
    out.addAll(at, block);
    return out;
  }
}
