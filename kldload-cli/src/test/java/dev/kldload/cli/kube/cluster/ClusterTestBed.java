package dev.kldload.cli.kube.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.cli.CliHarness;
import dev.kldload.core.process.Programs;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kube.cluster.Cluster;
import dev.kldload.kube.ssh.InMemoryRemoteShell;
import dev.kldload.kube.ssh.KnownHosts;
import dev.kldload.kvm.GuestAddress;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.disk.Qcow2Backend;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.MacAddress;
import dev.kldload.kvm.xml.OsVariant;
import dev.kldload.net.InMemoryHostNetwork;
import dev.kldload.net.InMemoryWireGuard;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgPeerState;
import dev.kldload.net.WireGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A host for kube-cluster on in-memory engines: the hypervisor fake (with libvirt's stock {@code
 * default} network), the WireGuard fake as the host's planes, the qcow2 backend on real {@code
 * qemu-img}, seeds written by real {@code xorriso}, a 64 GB host (a fake {@code /proc/meminfo}),
 * and every path (state, images, hosts file, wg-quick files) under one directory.
 */
final class ClusterTestBed {
  static final String URI = "test:///default";
  static final VmName GOLDEN = VmName.of("k8s-golden");
  static final String FOREIGN_LINE = "192.0.2.5\tnas.example nas";

  final Path dir;
  final InMemoryHypervisor hypervisor = new InMemoryHypervisor();
  final InMemoryWireGuard wireGuard = new InMemoryWireGuard();
  final InMemoryRemoteShell ssh = new InMemoryRemoteShell(KnownHosts.at(Path.of("/nonexistent")));
  final Qcow2Backend disks;

  /**
   * What each node's sshd does with a command (by node name); by default every command succeeds.
   */
  volatile Function<String, InMemoryRemoteShell.Handler> nodeCommands =
      node -> (argv, stdin) -> Optional.of(new InMemoryRemoteShell.Reply(0, "", ""));

  /** The Kubernetes API the cluster's kubeconfig reaches, when a test gives one. */
  volatile Cluster api;

  /** Nodes whose start does not bring them up (no lease, no sshd). */
  final Set<String> dead = ConcurrentHashMap.newKeySet();

  ClusterTestBed(Path dir) throws IOException {
    Requirements.require(Programs.which("qemu-img").isPresent(), "qemu-img (qemu-utils)");
    Requirements.require(Programs.which("xorriso").isPresent(), "xorriso");
    this.dir = dir;
    Path proc = Files.createDirectories(dir.resolve("proc"));
    Files.writeString(proc.resolve("meminfo"), "MemTotal:       65536000 kB\n");
    Files.write(dir.resolve("hosts"), List.of("127.0.0.1\tlocalhost", FOREIGN_LINE));
    disks = new Qcow2Backend(dir.resolve("images"), new SystemProcessRunner(), Clock.systemUTC());
  }

  /** The golden: a 1 GB qcow2 disk with its snapshot {@code golden}, and a BIOS domain. */
  ClusterTestBed withGolden() {
    disks.create(GOLDEN, ByteSize.ofGigabytes(1));
    disks.snapshot(GOLDEN, "golden");
    hypervisor.define(
        DomainXmlWriter.write(
            new DomainSpec(
                GOLDEN,
                "qemu",
                ByteSize.ofMegabytes(1024),
                1,
                new DomainSpec.Bios(),
                List.of(disks.diskOf(GOLDEN)),
                Optional.empty(),
                Optional.empty(),
                List.of(
                    new DomainSpec.Nic(
                        DomainSpec.NicKind.NETWORK,
                        "default",
                        Optional.of(new MacAddress("52:54:00:aa:bb:01")))),
                "127.0.0.1",
                new DomainMetadata("kube-cluster", "golden", Optional.empty(), Optional.empty()),
                Optional.empty(),
                OsVariant.DEBIAN12)));
    return this;
  }

  CliHarness cli() {
    CliHarness harness = harness();
    Cluster given = api;
    return given == null ? harness : harness.cluster(kubeconfig -> given);
  }

  private CliHarness harness() {
    return CliHarness.harness()
        .env("HOME", dir.toString())
        .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
        .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString())
        .env("KLDLOAD_KVM_IMAGES_DIR", dir.resolve("images").toString())
        .env("KLDLOAD_KVM_BACKEND", "qcow2")
        .env("KLDLOAD_KVM_VIRT_TYPE", "qemu")
        .env("KLDLOAD_KUBE_HOSTS_FILE", dir.resolve("hosts").toString())
        .env("KLDLOAD_KUBE_BUNDLE", dir.resolve("bundle").toString())
        .env("KLDLOAD_KUBE_LOG_DIR", dir.resolve("log").toString())
        .env("KLDLOAD_KUBE_GOLDEN_CACHE", dir.resolve("golden-cache").toString())
        .env("KLDLOAD_NET_WIREGUARD_DIR", dir.resolve("wireguard").toString())
        .env("KLDLOAD_NET_NFT_FILE", dir.resolve("nftables.nft").toString())
        .env("KLDLOAD_NET_BOOT_UNITS", "false")
        .env("KLDLOAD_PROC", dir.resolve("proc").toString())
        .env("LIBVIRT_DEFAULT_URI", URI)
        .hypervisor(uri -> booting())
        .wireGuard(handshaking())
        .remoteShell(ssh::with)
        .hostNetwork(new InMemoryHostNetwork().address("eth0", "192.0.2.10/24"));
  }

  /**
   * The hypervisor as guests boot on it: when a node of the recorded cluster starts, its DHCP lease
   * for the recorded MAC and address appears and its sshd answers with the recorded host key
   * (cloud-init finished), unless it is one of {@link #dead}.
   */
  private Hypervisor booting() {
    return (Hypervisor)
        Proxy.newProxyInstance(
            Hypervisor.class.getClassLoader(),
            new Class<?>[] {Hypervisor.class},
            (proxy, method, args) -> {
              Object result = invoke(hypervisor, method, args);
              if (method.getName().equals("start")) {
                boot((String) args[0]);
              }
              return result;
            });
  }

  private void boot(String domain) throws IOException {
    if (dead.contains(domain)) {
      return;
    }
    Path manifest = dir.resolve("state/clusters/kldload/cluster.json");
    JsonNode node = null;
    for (JsonNode n : new ObjectMapper().readTree(manifest.toFile()).path("nodes")) {
      if (n.path("name").asText().equals(domain)) {
        node = n;
      }
    }
    if (node == null) {
      return;
    }
    hypervisor.lease(
        domain,
        new GuestAddress("vnet0", node.path("mac").asText(), node.path("lanAddress").asText(), 24));
    ssh.serve(
        node.path("lanAddress").asText(),
        22,
        node.path("sshHostKey").asText(),
        nodeCommands.apply(domain));
  }

  /** The host's WireGuard on a network where every configured peer has just shaken hands. */
  private WireGuard handshaking() {
    return (WireGuard)
        Proxy.newProxyInstance(
            WireGuard.class.getClassLoader(),
            new Class<?>[] {WireGuard.class},
            (proxy, method, args) -> {
              Object result = invoke(wireGuard, method, args);
              if (method.getName().equals("device")) {
                return ((Optional<?>) result).map(d -> shaken((WgDevice) d));
              }
              return result;
            });
  }

  private WgDevice shaken(WgDevice d) {
    List<WgPeerState> peers =
        d.peers().stream()
            .map(
                p ->
                    new WgPeerState(
                        p.publicKey(),
                        p.endpoint(),
                        p.allowedIps(),
                        p.keepalive(),
                        Optional.of(Instant.now()),
                        p.rxBytes(),
                        p.txBytes()))
            .toList();
    return new WgDevice(
        d.name(), d.up(), d.mtu(), d.addresses(), d.publicKey(), d.listenPort(), peers);
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** A recorded node's address on the libvirt network. */
  String lanAddress(String node) {
    try {
      Path manifest = dir.resolve("state/clusters/kldload/cluster.json");
      for (JsonNode n : new ObjectMapper().readTree(manifest.toFile()).path("nodes")) {
        if (n.path("name").asText().equals(node)) {
          return n.path("lanAddress").asText();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException("no node " + node + " in the manifest");
  }

  CliHarness.Result run(String... args) {
    return cli().exec(args);
  }
}
