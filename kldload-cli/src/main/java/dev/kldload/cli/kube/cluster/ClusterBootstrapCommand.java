package dev.kldload.cli.kube.cluster;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.output.Table;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepStatus;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.ClusterName;
import dev.kldload.kube.golden.GoldenBuilder;
import dev.kldload.kube.golden.GoldenRequest;
import dev.kldload.kube.node.StackLock;
import dev.kldload.kube.node.StackLockFile;
import dev.kldload.kube.orchestrator.AddressReservations;
import dev.kldload.kube.orchestrator.Admission;
import dev.kldload.kube.orchestrator.ClusterBootstrap;
import dev.kldload.kube.orchestrator.ClusterKubernetes;
import dev.kldload.kube.orchestrator.ClusterLayout;
import dev.kldload.kube.orchestrator.ClusterManifest;
import dev.kldload.kube.orchestrator.ClusterPlans;
import dev.kldload.kube.orchestrator.ClusterSpec;
import dev.kldload.kube.orchestrator.ClusterStore;
import dev.kldload.kube.orchestrator.DefaultNetwork;
import dev.kldload.kube.orchestrator.GoldenStack;
import dev.kldload.kube.orchestrator.HostFacts;
import dev.kldload.kube.orchestrator.NodeSeeds;
import dev.kldload.kube.orchestrator.Phase;
import dev.kldload.kube.orchestrator.PlanDirectory;
import dev.kldload.kube.orchestrator.Role;
import dev.kldload.kube.orchestrator.Sizes;
import dev.kldload.kube.orchestrator.Sizing;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kvm.VmDomain;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.node.NodeStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kube-cluster bootstrap}. */
@Command(
    name = "bootstrap",
    header = "Build a cluster: pre-flight, golden, clones, reach, mesh, then Kubernetes.",
    description = {
      "Phases, in order: preflight (host memory and CPUs against the sizes, free space, the",
      "libvirt network 'default', the address plan against the host's routes, a cluster of that",
      "name: resume, or conflict), golden, clones (all nodes at once: disk, seed, domain, start),",
      "reach, mesh (the host joins both planes as node 100; the nodes' names in the hosts file).",
      "The Kubernetes phases follow: control-plane (kube-init on the first control plane; with",
      "several, the API behind the VIP .240 of the host network), kubeconfig (its admin.conf in the",
      "cluster's state and ~/.kube/config as context NAME), join (control planes in turn, workers",
      "at once, a fresh token each attempt, logs in kube.log-dir), verify (nodes Ready, system pods",
      "running), smoke (kube-smoke-test --cluster; the result shown by status). They need the offline bundle (kube.bundle) and a golden that carries its stack,",
      "checked before anything changes; --until PHASE stops after a phase. Sizes follow the original's rule (12 GB stay with the",
      "host; a control plane takes two shares, a worker one) and are printed first; --ram is MB",
      "and --disk GB when given as plain numbers, units (4G) are accepted. Flags override the",
      "cluster file (-f). On failure the run undoes what it made; after Ctrl-C or a crash the",
      "same command resumes with the same identities."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Exit status: 0 done; 2 bad input (nothing changed); 3 a node did not come up or join, or a",
      "Kubernetes phase failed (named; re-run to resume);",
      "5 conflict with an existing domain or cluster; 6 a precondition is missing (memory, disk,",
      "golden, bundle); 130 interrupted (re-run to resume).",
      "",
      "Example:",
      "  kube-cluster bootstrap --workers 5 --until mesh",
      "  kube-cluster bootstrap -f lab.yaml --dry-run --plan-dir /tmp/lab-plan"
    })
public final class ClusterBootstrapCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  @Option(
      names = {"--control-planes", "--cps"},
      paramLabel = "N",
      description = "Control planes: 1, 3, 5 or 7 (default 3, fewer when memory is short).")
  Integer controlPlanes;

  @Option(names = "--workers", paramLabel = "N", description = "Workers (default 0).")
  Integer workers;

  @Option(
      names = "--ram",
      paramLabel = "SIZE",
      description = "Memory of a worker, MB or with a unit (default: the sizing rule).")
  String ram;

  @Option(names = "--cpus", paramLabel = "N", description = "vCPUs of a worker.")
  Integer cpus;

  @Option(
      names = "--disk",
      paramLabel = "SIZE",
      description = "Size of the golden's disk, GB or with a unit (default 40).")
  String disk;

  @Option(names = "--name", paramLabel = "NAME", description = "Cluster name.")
  String name;

  @Option(
      names = "--image",
      paramLabel = "PATH",
      description =
          "Build the golden from this disk image (raw or qcow2, with its own boot loader)"
              + " instead of Debian packages; only when there is no golden yet.")
  Path image;

  @Option(names = "-f", paramLabel = "FILE", description = "Cluster file (YAML).")
  Path file;

  @Option(
      names = "--until",
      paramLabel = "PHASE",
      description =
          "Stop after this phase: preflight, golden, clones, reach, mesh, control-plane,"
              + " kubeconfig, join, verify or smoke (the default).")
  String until;

  @Option(
      names = "--plan-dir",
      paramLabel = "DIR",
      description =
          "With --dry-run: write every artifact (domain XML, seeds, wg and nft files, the"
              + " resolved cluster) into DIR.")
  Path planDir;

  ClusterBootstrapCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    Instant started = cli.clock().instant();
    if (planDir != null && !mutation.dryRun()) {
      throw KldloadException.invalid("--plan-dir needs --dry-run", "add --dry-run");
    }
    ClusterSpec spec = flags().over(file == null ? ClusterSpec.EMPTY : ClusterSpec.load(file));
    Optional<Phase> last = Optional.ofNullable(until).map(Phase::parse);
    ClusterName cluster = spec.name().orElseGet(() -> ClusterContext.clusterName(cli, null));
    try (ClusterContext ctx = new ClusterContext(cli, cluster, spec.network(), mutation.dryRun())) {
      Phase phase = last.orElse(Phase.SMOKE);
      String cpHost = spec.controlPlane().host().orElseGet(ctx::defaultUri);
      if (phase.kubernetes()) {
        // before anything changes: a refusal leaves a half-built cluster where it stands
        String golden = ctx.golden().value();
        Optional<String> uuid = ctx.hypervisor(cpHost).domain(golden).map(VmDomain::uuid);
        if (uuid.isEmpty()) {
          // the golden phase builds it with the bundle's stack
          GoldenStack.requireLock(bundle(ctx, spec));
        } else {
          ctx.goldenStacks().require(bundle(ctx, spec), golden, uuid);
        }
      }
      String workerHost = spec.worker().host().orElse(cpHost);
      Optional<ClusterManifest> existing = ctx.store.load(cluster);
      refuseSecondCluster(ctx, cluster);
      existing.ifPresent(m -> refuseOtherPlan(ctx, m));
      Sizing.Request request =
          new Sizing.Request(
              spec.controlPlanes()
                  .orElse(existing.map(m -> m.withRole(Role.CONTROL_PLANE).size()).orElse(3)),
              spec.workers().orElse(existing.map(m -> m.withRole(Role.WORKER).size()).orElse(0)),
              spec.worker().ram(),
              spec.worker().cpus(),
              spec.controlPlane().ram(),
              spec.controlPlane().cpus(),
              spec.disk().orElse(ByteSize.ofGigabytes(40)));
      HostFacts facts = ctx.facts(cpHost);
      Admission.Facts seen =
          facts.gather(
              new HostFacts.Request(
                  cluster, ctx.golden(), ClusterContext.GOLDEN_SNAPSHOT, ctx.plan));
      Sizing.Result sizes = Sizing.choose(seen.host(), request);
      say(sizes, cluster);
      ClusterLayout layout =
          ClusterLayout.of(cluster, sizes.controlPlanes(), sizes.workers(), ctx.plan.hostId());
      Admission.Verdict verdict = Admission.check(cluster.value(), sizes, layout, seen);
      verdict.warnings().forEach(w -> cli.warn("warning: " + w.message() + " (" + w.hint() + ")"));
      refuse(verdict.refusals());
      // the golden phase: built first, on its own plan, when the nodes need one that is not there
      boolean goldenMissing = !seen.goldenExists();
      if (phase.includes(Phase.GOLDEN) && goldenMissing) {
        GoldenBuilder golden = ctx.goldenBuilder(cpHost);
        GoldenRequest plain = ctx.goldenRequest(Optional.of(sizes.disk()), spec.image(), false);
        GoldenRequest goldenRequest =
            phase.kubernetes() ? plain.withBundle(bundle(ctx, spec)) : plain;
        int built =
            Mutation.of(cli, List.of("kvm", "golden"), "kube-cluster golden " + ctx.golden())
                .dryRun(mutation.dryRun())
                .output(output)
                .run(() -> golden.plan(goldenRequest));
        if (built != ExitCode.OK.code()) {
          return built;
        }
        goldenMissing = mutation.dryRun();
      }
      // a dry-run without the golden plans up to the nodes' addresses: clones copy its definition
      boolean clonesPlanned = phase.includes(Phase.CLONES) && !goldenMissing;
      if (goldenMissing && phase.includes(Phase.CLONES)) {
        cli.warn(
            "golden "
                + ctx.golden()
                + " does not exist yet: the nodes' domains are planned once it is built");
      }
      DefaultNetwork network = new DefaultNetwork(ctx.hypervisor(cpHost), ctx.plan);
      List<Step> preflight = network.steps();
      NodeStore hostStore = ctx.hostNodeStore();
      Holder holder = new Holder();
      KnownHosts known = ctx.knownHostsFile();
      int code;
      try (RemoteShell shell = ctx.remoteShell(known)) {
        code =
            Mutation.of(
                    cli,
                    List.of("kvm", "wireguard", "cluster-" + cluster),
                    "kube-cluster bootstrap " + cluster)
                .dryRun(mutation.dryRun())
                .output(output)
                .afterDryRun(() -> writePlanDir(ctx, holder))
                .onResult(
                    result ->
                        result.outcomes().stream()
                            .filter(o -> o.stepId().matches("clones/[^/]+/disk"))
                            .filter(o -> o.status() == StepStatus.APPLIED)
                            .forEach(
                                o ->
                                    holder.cloneMillis.put(
                                        o.stepId().split("/")[1], o.elapsed().toMillis())))
                .run(
                    () -> {
                      // identities are decided under the lock, once, and saved before use
                      ClusterStore admitted = ctx.admissionStore();
                      ClusterManifest base =
                          existing.orElseGet(
                              () ->
                                  new ClusterManifest(
                                      cluster.value(),
                                      cli.clock().instant().toString(),
                                      sizes.controlPlane(),
                                      sizes.worker(),
                                      sizes.disk().bytes(),
                                      ctx.adminPublicKey(),
                                      ctx.goldenSnapshot().origin(),
                                      List.of(),
                                      ctx.networkKeys()));
                      if (existing.isPresent() && admitted != ctx.store) {
                        // a dry-run of a recorded cluster: new nodes only into the scratch copy
                        admitted.save(base);
                        ctx.copyKeys(admitted, base);
                      }
                      ClusterManifest manifest =
                          admitted.admit(
                              base,
                              layout,
                              ctx.plan,
                              role -> role == Role.CONTROL_PLANE ? cpHost : workerHost,
                              ctx::newHostKeys);
                      holder.manifest = manifest;
                      if (!phase.includes(Phase.CLONES)) {
                        return Plan.builder("kube-cluster-bootstrap-" + cluster)
                            .addAll(preflight)
                            .build();
                      }
                      NodeSeeds seeds = ctx.seeds(admitted, hostStore);
                      holder.seeds = seeds;
                      if (!clonesPlanned) {
                        return Plan.builder("kube-cluster-bootstrap-" + cluster)
                            .addAll(preflight)
                            .addAll(
                                new AddressReservations(ctx::hypervisor, DefaultNetwork.NAME)
                                    .steps(manifest, preflight.stream().map(Step::id).toList()))
                            .build();
                      }
                      holder.bootstrap = ctx.bootstrap(seeds, ctx.hostMesh(hostStore));
                      holder.kubernetes = ctx.kubernetes(shell, bundle(ctx, spec));
                      return ClusterPlans.withKubernetes(
                          ClusterPlans.bootstrap(
                              holder.bootstrap,
                              new AddressReservations(ctx::hypervisor, DefaultNetwork.NAME),
                              ctx.reach(shell, known),
                              manifest,
                              ctx.goldenSnapshot(),
                              phase,
                              preflight),
                          holder.kubernetes,
                          manifest,
                          phase,
                          Optional.of(ctx.smokePhase(manifest, shell)));
                    });
      }
      if (!mutation.dryRun() && code != ExitCode.USAGE.code() && holder.manifest != null) {
        nodeTable(holder.manifest, holder.cloneMillis);
        if (holder.kubernetes != null && phase.includes(Phase.VERIFY)) {
          holder
              .kubernetes
              .summary(
                  holder.manifest,
                  Duration.between(started, cli.clock().instant()),
                  stackLock(bundle(ctx, spec)))
              .forEach(cli::warn);
        }
      }
      return code;
    }
  }

  /** What pre-flight would write into a plan directory is known once the plan is built. */
  private static final class Holder {
    final Map<String, Long> cloneMillis = new ConcurrentHashMap<>();
    ClusterManifest manifest;
    NodeSeeds seeds;
    ClusterBootstrap bootstrap;
    ClusterKubernetes kubernetes;
  }

  private ClusterSpec flags() {
    return new ClusterSpec(
        Optional.ofNullable(name).map(ClusterName::of),
        Optional.ofNullable(controlPlanes),
        Optional.ofNullable(workers),
        Optional.ofNullable(disk).map(Sizes::disk),
        Optional.ofNullable(image),
        Optional.empty(),
        ClusterSpec.Group.EMPTY,
        new ClusterSpec.Group(
            Optional.ofNullable(ram).map(Sizes::memory),
            Optional.ofNullable(cpus),
            Optional.empty()),
        Map.of());
  }

  /** The offline bundle: the cluster file's, else {@code kube.bundle}. */
  /** The bundle's lock for the summary; empty (said there) when it cannot be read now. */
  private static Optional<StackLock> stackLock(Path bundle) {
    try {
      return Optional.of(
          StackLockFile.load(StackLockFile.inBundle(bundle), bundle, w -> {}).lock());
    } catch (KldloadException e) {
      return Optional.empty();
    }
  }

  private static Path bundle(ClusterContext ctx, ClusterSpec spec) {
    return spec.bundle().orElseGet(() -> Path.of(ctx.config.require(ConfigKey.KUBE_BUNDLE)));
  }

  /**
   * The host is node {@code net.host-id} of one mesh: a second cluster would take the same plane
   * addresses and node ids, and its join would drop the first one's peers.
   */
  private static void refuseSecondCluster(ClusterContext ctx, ClusterName cluster) {
    List<ClusterName> others = ctx.store.list().stream().filter(c -> !c.equals(cluster)).toList();
    if (!others.isEmpty()) {
      throw KldloadException.conflict(
          "cluster "
              + others.get(0)
              + " already holds this host's mesh planes ("
              + ctx.plan.plane(PlaneKind.MGMT).subnet()
              + ", "
              + ctx.plan.plane(PlaneKind.K8S).subnet()
              + ") and node ids",
          "destroy it first ('kube-cluster destroy --name " + others.get(0) + "')");
    }
  }

  /** A recorded cluster resumes on the plan it was built with, or not at all. */
  private static void refuseOtherPlan(ClusterContext ctx, ClusterManifest manifest) {
    Map<String, String> now = ctx.networkKeys();
    for (Map.Entry<String, String> e : manifest.network().entrySet()) {
      String value = now.get(e.getKey());
      if (!e.getValue().equals(value)) {
        throw KldloadException.conflict(
            "cluster "
                + manifest.name()
                + " was built with "
                + e.getKey()
                + " "
                + e.getValue()
                + ", not "
                + value,
            "resume with the same network: (or net.* keys), or destroy it first");
      }
    }
  }

  private void say(Sizing.Result sizes, ClusterName cluster) {
    cli.warn(
        "cluster "
            + cluster
            + ": "
            + sizes.controlPlanes()
            + " control plane(s) of "
            + sizes.controlPlane()
            + ", "
            + sizes.workers()
            + " worker(s) of "
            + sizes.worker()
            + ", golden disk "
            + sizes.disk().human());
    sizes.notes().forEach(n -> cli.warn("  " + n));
  }

  private static void refuse(List<Admission.Finding> refusals) {
    if (refusals.isEmpty()) {
      return;
    }
    // the worst kind decides the exit code; every reason is said
    ErrorKind kind =
        refusals.stream()
            .map(Admission.Finding::kind)
            .filter(k -> k == ErrorKind.CONFLICT)
            .findFirst()
            .orElse(refusals.get(0).kind());
    String message =
        refusals.stream().map(Admission.Finding::message).collect(Collectors.joining("; "));
    throw new KldloadException(kind, "pre-flight refused: " + message, refusals.get(0).hint());
  }

  private void writePlanDir(ClusterContext ctx, Holder holder) {
    if (planDir == null || holder.seeds == null) {
      return;
    }
    List<Path> written =
        new ArrayList<>(new PlanDirectory(ctx.plan, holder.seeds).write(planDir, holder.manifest));
    if (holder.bootstrap == null) {
      cli.warn("no domain.xml: the golden the nodes are cloned from does not exist yet");
    } else {
      holder
          .bootstrap
          .domainXmls(holder.manifest, ctx.goldenSnapshot())
          .forEach(
              (node, xml) -> {
                Path at = planDir.resolve(node).resolve("domain.xml");
                PrivateFiles.write(at, xml);
                written.add(at);
              });
    }
    cli.warn("wrote " + written.size() + " files under " + planDir);
  }

  /** A row of the final table. */
  record NodeRow(
      String name,
      String role,
      String host,
      String lan,
      String wgMgmt,
      String wgK8s,
      Long cloneMillis) {}

  /** The nodes; a node cloned by this run shows how long its disk clone took. */
  private void nodeTable(ClusterManifest manifest, Map<String, Long> cloneMillis) {
    List<NodeRow> rows =
        manifest.nodes().stream()
            .map(
                n ->
                    new NodeRow(
                        n.name(),
                        n.role() == Role.CONTROL_PLANE ? "control-plane" : "worker",
                        n.host(),
                        n.lanAddress(),
                        n.mgmtAddress(),
                        n.k8sAddress(),
                        cloneMillis.get(n.name())))
            .toList();
    output
        .renderer()
        .list(
            cli.out(),
            rows,
            Table.of(NodeRow.class)
                .column("NAME", NodeRow::name)
                .column("ROLE", NodeRow::role)
                .column("HOST", NodeRow::host)
                .column("LAN", NodeRow::lan)
                .column("WG-MGMT", NodeRow::wgMgmt)
                .column("WG-K8S", NodeRow::wgK8s)
                .right("CLONE MS", r -> r.cloneMillis() == null ? "-" : r.cloneMillis()));
    cli.out().flush();
  }
}
