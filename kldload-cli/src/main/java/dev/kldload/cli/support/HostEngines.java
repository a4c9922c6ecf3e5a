package dev.kldload.cli.support;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.probe.CoreProbes;
import dev.kldload.core.probe.Probe;
import dev.kldload.core.process.DryRunProcessRunner;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.Programs;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.kube.KubeProbes;
import dev.kldload.kube.bundle.image.ImageRegistry;
import dev.kldload.kube.bundle.image.jib.JibImageRegistry;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.cluster.KubeconfigFiles;
import dev.kldload.kube.cluster.fabric8.Fabric8Cluster;
import dev.kldload.kube.cluster.fabric8.Fabric8KubeconfigFiles;
import dev.kldload.kube.smoke.SmokeNode;
import dev.kldload.kube.smoke.host.HostSmokeNode;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kube.ssh.RemoteShell;
import dev.kldload.kube.ssh.jsch.JschRemoteShell;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.Virtualisation;
import dev.kldload.kvm.libvirt.KvmProbes;
import dev.kldload.kvm.libvirt.LibvirtHypervisor;
import dev.kldload.kvm.libvirt.LibvirtWarmUp;
import dev.kldload.kvm.libvirt.VirtProbe;
import dev.kldload.net.Firewall;
import dev.kldload.net.HostNetwork;
import dev.kldload.net.NameResolver;
import dev.kldload.net.NetProbes;
import dev.kldload.net.WireGuard;
import dev.kldload.net.linux.IpHostNetwork;
import dev.kldload.net.linux.NftFirewall;
import dev.kldload.net.linux.SystemNameResolver;
import dev.kldload.net.linux.WgToolsWireGuard;
import dev.kldload.zfs.Zfs;
import dev.kldload.zfs.health.HostInfo;
import dev.kldload.zfs.health.ProcHostInfo;
import dev.kldload.zfs.lzc.LibzfsCoreZfs;
import dev.kldload.zfs.lzc.ZfsProbes;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The real adapters: libzfs_core, libvirt, wg/ip/nft, fabric8. The wiring root: no other class
 * names an adapter. Each is constructed inside the method that returns it, so the JVM loads JNA,
 * libvirt or fabric8 only when a command asks for that engine.
 */
public final class HostEngines implements Engines {
  private static final Duration SSH_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final Map<String, String> env;
  private final PrintWriter err;
  private final IntSupplier verbosity;
  private ProcessRunner runner;
  private Zfs zfs;
  private Zfs dryRunZfs;

  /**
   * {@code env} supplies {@code KLDLOAD_PROC} (where /proc is; tests and chroots move it); from
   * {@code -vv} on, every program run is shown on {@code err}.
   */
  public HostEngines(Map<String, String> env, PrintWriter err, IntSupplier verbosity) {
    this(env, null, err, verbosity);
  }

  /**
   * The host's adapters on {@code runner} for every program they run (tests: a recording runner, or
   * one that enters a network namespace); {@code null} for the system's.
   */
  public HostEngines(
      Map<String, String> env, ProcessRunner runner, PrintWriter err, IntSupplier verbosity) {
    this.env = Map.copyOf(env);
    this.runner = runner;
    this.err = err;
    this.verbosity = verbosity;
  }

  @Override
  public synchronized ProcessRunner processRunner(boolean dryRun) {
    if (runner == null) {
      runner = new SystemProcessRunner();
    }
    return EchoingProcessRunner.at(
        verbosity.getAsInt(), dryRun ? new DryRunProcessRunner(runner) : runner, err);
  }

  @Override
  public synchronized Zfs zfs(boolean dryRun) {
    if (dryRun) {
      if (dryRunZfs == null) {
        dryRunZfs = new LibzfsCoreZfs(processRunner(true));
      }
      return dryRunZfs;
    }
    if (zfs == null) {
      zfs = new LibzfsCoreZfs(processRunner(false));
    }
    return zfs;
  }

  @Override
  public boolean zfsAvailable() {
    return Files.exists(Path.of("/dev/zfs"));
  }

  @Override
  public Hypervisor hypervisor(String uri) {
    return new LibvirtHypervisor(uri);
  }

  /** The {@link WarmUp} of the tools that use {@link #hypervisor}: see {@link LibvirtWarmUp}. */
  public static void warmUpLibvirt() {
    LibvirtWarmUp.run();
  }

  @Override
  public WireGuard wireGuard(boolean dryRun) {
    return new WgToolsWireGuard(processRunner(dryRun));
  }

  @Override
  public HostNetwork hostNetwork(boolean dryRun) {
    return new IpHostNetwork(processRunner(dryRun));
  }

  @Override
  public Firewall firewall(boolean dryRun) {
    return new NftFirewall(processRunner(dryRun));
  }

  @Override
  public NameResolver nameResolver() {
    return new SystemNameResolver();
  }

  @Override
  public Cluster cluster(Path kubeconfig, CancellationToken cancellation) {
    return Fabric8Cluster.open(kubeconfig, Optional.empty(), Conditions.system(cancellation));
  }

  @Override
  public KubeconfigFiles kubeconfigFiles() {
    return new Fabric8KubeconfigFiles();
  }

  @Override
  public RemoteShell remoteShell(Path identity, KnownHosts knownHosts) {
    return new JschRemoteShell(identity, knownHosts, SSH_CONNECT_TIMEOUT);
  }

  @Override
  public SmokeNode smokeNode(Path root) {
    return new HostSmokeNode(root, processRunner(false));
  }

  @Override
  public HostInfo hostInfo() {
    return new ProcHostInfo(
        Path.of(env.getOrDefault("KLDLOAD_PROC", "/proc")), processRunner(false));
  }

  @Override
  public ImageRegistry imageRegistry(Map<String, URI> mirrors) {
    return new JibImageRegistry(mirrors);
  }

  /**
   * Boots the host's kernel ({@code /boot/vmlinuz-<release>}, else the newest there) or the one
   * {@code KLDLOAD_VIRT_PROBE_KERNEL} names, for {@code KLDLOAD_VIRT_PROBE_SECONDS} (default 20).
   */
  VirtProbe virtProbe() {
    Duration deadline =
        Optional.ofNullable(env.get("KLDLOAD_VIRT_PROBE_SECONDS"))
            .filter(s -> s.matches("[1-9][0-9]{0,3}"))
            .map(s -> Duration.ofSeconds(Long.parseLong(s)))
            .orElse(VirtProbe.DEFAULT_DEADLINE);
    return new VirtProbe(
        processRunner(false),
        Path.of("/dev/kvm"),
        Programs::which,
        Optional.ofNullable(env.get("KLDLOAD_VIRT_PROBE_KERNEL"))
            .filter(s -> !s.isBlank())
            .map(Path::of),
        Path.of("/boot"),
        System.getProperty("os.version"),
        deadline);
  }

  @Override
  public Virtualisation hardwareVirtualisation() {
    VirtProbe.Result result = virtProbe().probe();
    return new Virtualisation(result.accel() == VirtProbe.Accel.KVM, result.reason());
  }

  @Override
  public List<Probe> probes(String libvirtUri) {
    List<Probe> probes = new ArrayList<>();
    probes.addAll(CoreProbes.all());
    probes.addAll(ZfsProbes.all());
    probes.addAll(KvmProbes.all(libvirtUri, virtProbe()));
    probes.addAll(NetProbes.all());
    probes.addAll(KubeProbes.all());
    return probes;
  }
}
