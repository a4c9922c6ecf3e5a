package dev.kldload.kube.smoke;

import dev.kldload.core.config.Config;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.net.NetworkPlan;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the checks of one run share: the node, the address plan, the cluster (opened on first use,
 * closed with the run), the per-check deadline, whether {@code --fix} may repair, and results of
 * commands several checks read (one {@code zfs get}, one image listing).
 */
public final class SmokeContext implements AutoCloseable {
  /** Where node-side files live; from configuration, never hard-coded in the checks. */
  public record Paths(String kubeletDefaults, String imagesDir) {
    /** The kubelet defaults file and the bundle's image directory, as configured. */
    public static Paths fromConfig(Config config) {
      return new Paths(
          config.require(ConfigKey.NET_KUBELET_DEFAULTS),
          config.require(ConfigKey.KUBE_BUNDLE) + "/k8s-images");
    }
  }

  private final SmokeNode node;
  private final NetworkPlan plan;
  private final Paths paths;
  private final Duration timeout;
  private final boolean fix;
  private final Consumer<String> notes;
  private final Clock clock;
  private final Optional<Path> kubeconfig;
  private final Function<Path, Cluster> opener;
  private final Map<List<String>, Optional<ProcessResult>> commands = new ConcurrentHashMap<>();
  private Cluster cluster;
  private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();
  private String noKubeconfig =
      "no kubeconfig (/etc/kubernetes/admin.conf, ~/.kube/config): not a control plane";

  public SmokeContext(
      SmokeNode node,
      NetworkPlan plan,
      Paths paths,
      Duration timeout,
      boolean fix,
      Consumer<String> notes,
      Clock clock,
      Optional<Path> kubeconfig,
      Function<Path, Cluster> opener) {
    this.node = node;
    this.plan = plan;
    this.paths = paths;
    this.timeout = timeout;
    this.fix = fix;
    this.notes = notes;
    this.clock = clock;
    this.kubeconfig = kubeconfig;
    this.opener = opener;
  }

  public SmokeNode node() {
    return node;
  }

  public NetworkPlan plan() {
    return plan;
  }

  public Paths paths() {
    return paths;
  }

  public Duration timeout() {
    return timeout;
  }

  public boolean fix() {
    return fix;
  }

  /**
   * A line for stderr: what {@code --fix} changed (the original did it silently), or what could not
   * be cleaned up.
   */
  public void note(String line) {
    notes.accept(line);
  }

  public Clock clock() {
    return clock;
  }

  public Optional<Path> kubeconfig() {
    return kubeconfig;
  }

  /** Why the cluster checks SKIP without a kubeconfig: where one was looked for. */
  public String noKubeconfig() {
    return noKubeconfig;
  }

  /** Replaces the SKIP reason, for a run that looks for the kubeconfig elsewhere. */
  public SmokeContext noKubeconfig(String reason) {
    this.noKubeconfig = reason;
    return this;
  }

  /** The cluster, connected on first use; fails as the adapter does (UNAVAILABLE, NOT_FOUND…). */
  public synchronized Cluster cluster() {
    if (cluster == null) {
      Path config =
          kubeconfig.orElseThrow(() -> new IllegalStateException("no kubeconfig was found"));
      cluster = opener.apply(config);
    }
    return cluster;
  }

  /** A read-only command's result, run once per smoke test however many checks read it. */
  public Optional<ProcessResult> command(String... argv) {
    return commands.computeIfAbsent(List.of(argv), a -> node.run(a, timeout));
  }

  /** A cluster member runs a kubelet joined by kubeadm (the original's IS_NODE). */
  public boolean clusterMember() {
    return node.exists("/etc/kubernetes/kubelet.conf")
        || node.exists("/var/lib/kubelet/config.yaml");
  }

  /** The hypervisor runs libvirt; swap is deliberate there (zram). */
  public boolean hypervisor() {
    return node.exists("/run/libvirt/libvirt-sock") || node.exists("/etc/libvirt/qemu.conf");
  }

  /** This machine's short host name, as kubeadm names its node. */
  public Optional<String> hostname() {
    return node.read("/proc/sys/kernel/hostname")
        .map(String::strip)
        .filter(h -> !h.isEmpty())
        .map(h -> h.contains(".") ? h.substring(0, h.indexOf('.')) : h);
  }

  /** Recorded by the runner as each check finishes (also when it timed out). */
  void record(String checkId, Verdict verdict) {
    verdicts.put(checkId, verdict);
  }

  /** The verdict of an earlier check of this run, when it ran. */
  public Optional<Verdict> verdict(String checkId) {
    return Optional.ofNullable(verdicts.get(checkId));
  }

  @Override
  public synchronized void close() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }
}
