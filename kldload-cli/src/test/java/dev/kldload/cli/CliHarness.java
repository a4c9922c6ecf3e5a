package dev.kldload.cli;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Engines;
import dev.kldload.cli.support.HostEngines;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.probe.Probe;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.kube.bundle.image.ImageRegistry;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.smoke.SmokeNode;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.Virtualisation;
import dev.kldload.net.Firewall;
import dev.kldload.net.HostNetwork;
import dev.kldload.net.NameResolver;
import dev.kldload.net.WireGuard;
import dev.kldload.zfs.Zfs;
import dev.kldload.zfs.health.HostInfo;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs the CLI in-process with captured streams: {@code CliHarness.run("kvm-list", "-o", "json")}.
 * The one way tests build a {@link Cli}: engines not handed in are the host's ({@link
 * HostEngines}), so a test states which fakes it uses. Every assertion message should print all
 * three parts of the {@link Result}.
 */
public final class CliHarness {
  private final Map<String, String> env = new HashMap<>();
  private Optional<List<Probe>> probes = Optional.of(List.of());
  private Optional<ProcessRunner> runner = Optional.empty();
  private Optional<Zfs> zfs = Optional.empty();
  private Optional<Function<String, Hypervisor>> hypervisor = Optional.empty();
  private Optional<HostInfo> hostInfo = Optional.empty();
  private Optional<WireGuard> wireGuard = Optional.empty();
  private Optional<HostNetwork> hostNetwork = Optional.empty();
  private Optional<Virtualisation> virtualisation = Optional.empty();
  private Optional<Function<KnownHosts, RemoteShell>> remoteShell = Optional.empty();
  private Optional<Function<Path, Cluster>> cluster = Optional.empty();
  private Optional<Function<Map<String, URI>, ImageRegistry>> imageRegistry = Optional.empty();
  private Clock clock = Clock.systemUTC();
  private String stdin = "";
  private boolean tty;
  private String prog = "kldload";

  public static CliHarness harness() {
    return new CliHarness();
  }

  /** Runs {@code kldload ARGS} with an empty environment and no probes. */
  public static Result run(String... args) {
    return new CliHarness().exec(args);
  }

  public CliHarness env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** What {@code doctor} checks (default: nothing). */
  public CliHarness probes(List<Probe> value) {
    this.probes = Optional.of(value);
    return this;
  }

  /** {@code doctor} checks what the host's wiring root builds (with this harness's runner). */
  public CliHarness hostProbes() {
    this.probes = Optional.empty();
    return this;
  }

  /** The runner for every program; in dry-run wrapped like the real one (reads only pass). */
  public CliHarness runner(ProcessRunner value) {
    this.runner = Optional.of(value);
    return this;
  }

  /** The host's ZFS, e.g. an {@code InMemoryZfs}; also makes ZFS "available". */
  public CliHarness zfs(Zfs value) {
    this.zfs = Optional.of(value);
    return this;
  }

  /** The hypervisor for a URI, e.g. {@code uri -> memory} with one {@code InMemoryHypervisor}. */
  public CliHarness hypervisor(Function<String, Hypervisor> value) {
    this.hypervisor = Optional.of(value);
    return this;
  }

  /** The host's WireGuard, e.g. an {@code InMemoryWireGuard} (dry-run or not). */
  public CliHarness wireGuard(WireGuard value) {
    this.wireGuard = Optional.of(value);
    return this;
  }

  /** The host's links, addresses and routes, e.g. an {@code InMemoryHostNetwork}. */
  public CliHarness hostNetwork(HostNetwork value) {
    this.hostNetwork = Optional.of(value);
    return this;
  }

  /** SSH to cluster nodes pinned to the given known_hosts, e.g. an {@code InMemoryRemoteShell}. */
  public CliHarness remoteShell(Function<KnownHosts, RemoteShell> value) {
    this.remoteShell = Optional.of(value);
    return this;
  }

  /** What the hardware virtualisation probe finds. */
  public CliHarness virtualisation(Virtualisation value) {
    this.virtualisation = Optional.of(value);
    return this;
  }

  public CliHarness hostInfo(HostInfo value) {
    this.hostInfo = Optional.of(value);
    return this;
  }

  public CliHarness cluster(Function<Path, Cluster> value) {
    this.cluster = Optional.of(value);
    return this;
  }

  /**
   * Container registries for the given mirrors, e.g. {@code m -> memory} with one {@code
   * InMemoryImageRegistry}.
   */
  public CliHarness imageRegistry(Function<Map<String, URI>, ImageRegistry> value) {
    this.imageRegistry = Optional.of(value);
    return this;
  }

  public CliHarness clock(Clock value) {
    this.clock = value;
    return this;
  }

  /** Input typed on a terminal (answers to confirmations). */
  public CliHarness terminalInput(String text) {
    this.stdin = text;
    this.tty = true;
    return this;
  }

  /** Runs as if invoked through a symlink named {@code name}. */
  public CliHarness invokedAs(String name) {
    this.prog = name;
    return this;
  }

  public Result exec(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(cli(out, err), prog, args);
    return new Result(exit, out.toString(), err.toString());
  }

  /**
   * A {@link Cli} on this harness's engines whose output goes nowhere (for unit tests of wiring).
   */
  public Cli cli() {
    return cli(new StringWriter(), new StringWriter());
  }

  private Cli cli(StringWriter out, StringWriter err) {
    Map<String, String> environment = new HashMap<>(env);
    environment.putIfAbsent("NO_COLOR", "1");
    environment.putIfAbsent("HOME", System.getProperty("java.io.tmpdir"));
    return new Cli(
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        environment,
        () -> new BufferedReader(new StringReader(stdin)),
        tty,
        clock,
        c -> new Handed(new HostEngines(environment, runner.orElse(null), c.err(), c::verbosity)));
  }

  /** The engines this harness was handed; the host's for the rest. */
  private final class Handed implements Engines {
    private final HostEngines host;

    Handed(HostEngines host) {
      this.host = host;
    }

    @Override
    public ProcessRunner processRunner(boolean dryRun) {
      return host.processRunner(dryRun);
    }

    @Override
    public Zfs zfs(boolean dryRun) {
      return zfs.orElseGet(() -> host.zfs(dryRun));
    }

    @Override
    public boolean zfsAvailable() {
      return zfs.isPresent() || host.zfsAvailable();
    }

    @Override
    public Hypervisor hypervisor(String uri) {
      return hypervisor.map(h -> h.apply(uri)).orElseGet(() -> host.hypervisor(uri));
    }

    @Override
    public WireGuard wireGuard(boolean dryRun) {
      return wireGuard.orElseGet(() -> host.wireGuard(dryRun));
    }

    @Override
    public HostNetwork hostNetwork(boolean dryRun) {
      return hostNetwork.orElseGet(() -> host.hostNetwork(dryRun));
    }

    @Override
    public Firewall firewall(boolean dryRun) {
      return host.firewall(dryRun);
    }

    @Override
    public NameResolver nameResolver() {
      return host.nameResolver();
    }

    @Override
    public Cluster cluster(Path kubeconfig, CancellationToken cancellation) {
      return cluster
          .map(c -> c.apply(kubeconfig))
          .orElseGet(() -> host.cluster(kubeconfig, cancellation));
    }

    @Override
    public RemoteShell remoteShell(Path identity, KnownHosts knownHosts) {
      return remoteShell
          .map(f -> f.apply(knownHosts))
          .orElseGet(() -> host.remoteShell(identity, knownHosts));
    }

    @Override
    public SmokeNode smokeNode(Path root) {
      return host.smokeNode(root);
    }

    @Override
    public HostInfo hostInfo() {
      return hostInfo.orElseGet(host::hostInfo);
    }

    @Override
    public Virtualisation hardwareVirtualisation() {
      return virtualisation.orElseGet(host::hardwareVirtualisation);
    }

    @Override
    public ImageRegistry imageRegistry(Map<String, URI> mirrors) {
      return imageRegistry.map(f -> f.apply(mirrors)).orElseGet(() -> host.imageRegistry(mirrors));
    }

    @Override
    public List<Probe> probes(String libvirtUri) {
      return probes.orElseGet(() -> host.probes(libvirtUri));
    }
  }

  /** What one invocation left. */
  public record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
  }
}
