package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.ClusterName;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.NodeId;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.disk.ZvolBackend;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.OsVariant;
import dev.kldload.net.InMemoryHostNetwork;
import dev.kldload.net.NetworkPlan;
import dev.kldload.zfs.InMemoryZfs;
import dev.kldload.zfs.health.ProcHostInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFactsTest {
  private static final ClusterName LAB = ClusterName.of("lab");
  private static final VmName GOLDEN = VmName.of("k8s-golden");
  private static final DatasetName VMS = DatasetName.of("rpool/vms");

  @TempDir Path tmp;
  InMemoryHypervisor hypervisor;
  InMemoryZfs zfs;
  ZvolBackend disks;
  ClusterStore store;
  InMemoryHostNetwork network;
  ProcHostInfo host;

  @BeforeEach
  void setUp() throws Exception {
    Path proc = Files.createDirectories(tmp.resolve("proc"));
    Files.writeString(
        proc.resolve("meminfo"), "MemTotal:       65536000 kB\nMemAvailable:   1000 kB\n");
    host = new ProcHostInfo(proc, new SystemProcessRunner());
    hypervisor = new InMemoryHypervisor();
    zfs = InMemoryZfs.withPool(Clock.systemUTC(), "rpool", ByteSize.ofGigabytes(100));
    zfs.createFilesystem(VMS, Map.of());
    disks =
        new ZvolBackend(
            zfs,
            VMS,
            new SystemProcessRunner(),
            Clock.systemUTC(),
            "64K",
            p -> true,
            new CancellationToken());
    store = new ClusterStore(tmp.resolve("state"));
    network = new InMemoryHostNetwork().address("eth0", "192.0.2.10/24");
  }

  private HostFacts facts(HostFacts.DiskSpace space) {
    return new HostFacts(new HostFacts.Sources(host, hypervisor, disks, space, store, network));
  }

  private HostFacts facts() {
    return facts(HostFacts.DiskSpace.pool(zfs, VMS));
  }

  private static HostFacts.Request request() {
    return new HostFacts.Request(LAB, GOLDEN, "golden", NetworkPlan.defaults());
  }

  private void domain(String name, Optional<String> cluster) {
    hypervisor.define(
        DomainXmlWriter.write(
            new DomainSpec(
                VmName.of(name),
                "qemu",
                ByteSize.ofMegabytes(256),
                1,
                new DomainSpec.Bios(),
                List.of(
                    new DomainSpec.Disk(
                        DomainSpec.DiskKind.QCOW2, Path.of("/tmp/" + name + ".qcow2"))),
                Optional.empty(),
                Optional.empty(),
                List.of(new DomainSpec.Nic(DomainSpec.NicKind.NETWORK, "default")),
                "127.0.0.1",
                new DomainMetadata("kube-cluster", "worker", cluster, Optional.empty()),
                Optional.empty(),
                OsVariant.GENERIC)));
  }

  private static Sizing.Result sizes(int cps, int workers) {
    return Sizing.choose(
        new HostCapacity(64_000, 16),
        new Sizing.Request(
            cps,
            workers,
            Optional.of(ByteSize.ofMegabytes(4096)),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            ByteSize.ofGigabytes(40)));
  }

  private static Admission.Verdict judge(Admission.Facts facts, int cps, int workers) {
    return Admission.check(
        "lab", sizes(cps, workers), ClusterLayout.of(LAB, cps, workers, NodeId.of(100)), facts);
  }

  @Test
  @DisplayName("memory from /proc/meminfo, the CPU count and the pool's free space reach the facts")
  void capacityAndSpace() {
    Admission.Facts f = facts().gather(request());
    assertThat(f.host().memoryMb()).isEqualTo(64_000);
    assertThat(f.host().cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(f.freeForDisks()).contains(ByteSize.ofBytes(zfs.pool("rpool").orElseThrow().free()));
    assertThat(f.goldenExists()).isFalse();
    assertThat(f.domainOwners()).isEmpty();
    assertThat(f.existing()).isEmpty();
    assertThat(f.planIssues()).isEmpty();
    assertThat(f.network()).as("the stock default network matches the plan").isEmpty();
    assertThat(judge(f, 1, 2).admitted()).isTrue();
  }

  @Test
  @DisplayName("a host whose memory cannot be read is a precondition failure")
  void noMeminfo() throws Exception {
    Files.delete(tmp.resolve("proc/meminfo"));
    assertThatThrownBy(() -> facts().gather(request()))
        .isInstanceOf(KldloadException.class)
        .satisfies(
            e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.PRECONDITION));
  }

  @Test
  @DisplayName(
      "too little free space in the pool refuses a cluster whose golden is missing (exit 6)")
  void fullPool() {
    Admission.Facts f = facts(() -> ByteSize.ofGigabytes(10)).gather(request());
    Admission.Verdict v = judge(f, 1, 0);
    assertThat(v.refusals())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.kind().exitCode()).isEqualTo(ExitCode.PRECONDITION);
              assertThat(r.message()).contains("golden disk needs");
            });
  }

  @Test
  @DisplayName("the golden exists only with both its domain and its disk snapshot")
  void golden() {
    domain("k8s-golden", Optional.empty());
    assertThat(facts().gather(request()).goldenExists()).as("domain, no disk").isFalse();
    disks.create(GOLDEN, ByteSize.ofGigabytes(1));
    assertThat(facts().gather(request()).goldenExists()).as("disk, no snapshot").isFalse();
    disks.snapshot(GOLDEN, "golden");
    assertThat(facts().gather(request()).goldenExists()).isTrue();
    hypervisor.undefine("k8s-golden");
    assertThat(facts().gather(request()).goldenExists()).as("snapshot, no domain").isFalse();
  }

  @Test
  @DisplayName(
      "domain owners come from our metadata mark; a domain of another cluster is refused (exit 5)")
  void owners() {
    domain("lab-w-1", Optional.of("other"));
    domain("lab-cp", Optional.of("lab"));
    domain("web01", Optional.empty());
    Admission.Facts f = facts().gather(request());
    assertThat(f.domainOwners())
        .containsEntry("lab-w-1", Optional.of("other"))
        .containsEntry("lab-cp", Optional.of("lab"))
        .containsEntry("web01", Optional.empty());
    Admission.Verdict v = judge(f, 1, 2);
    assertThat(v.refusals())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.kind().exitCode()).isEqualTo(ExitCode.CONFLICT);
              assertThat(r.message()).contains("lab-w-1").contains("belongs to cluster other");
            });
  }

  @Test
  @DisplayName("an existing manifest with another control-plane count is refused (exit 5)")
  void existingManifest() {
    NodeSize size = new NodeSize(ByteSize.ofMegabytes(2048), 2);
    store.admit(
        new ClusterManifest(
            "lab", "2026-11-30T00:00:00Z", size, size, 40L << 30, "ssh-ed25519 A", null, List.of()),
        ClusterLayout.of(LAB, 1, 0, NodeId.of(100)),
        NetworkPlan.defaults(),
        r -> "test:///default",
        new ClusterStoreTest.CountingIdentities());
    Admission.Facts f = facts().gather(request());
    assertThat(f.existing()).isPresent();
    assertThat(f.existing().get().nodes()).extracting(NodeRecord::name).containsExactly("lab-cp");
    Admission.Verdict v = judge(f, 3, 0);
    assertThat(v.refusals())
        .singleElement()
        .satisfies(r -> assertThat(r.kind().exitCode()).isEqualTo(ExitCode.CONFLICT));
    assertThat(judge(f, 1, 0).admitted()).as("the same count resumes").isTrue();
  }

  @Test
  @DisplayName("a host route over a plan range is a plan issue and refuses the cluster (exit 6)")
  void routes() {
    network.address("eth1", "10.250.0.7/24");
    Admission.Facts f = facts().gather(request());
    assertThat(f.planIssues()).isNotEmpty();
    Admission.Verdict v = judge(f, 1, 0);
    assertThat(v.refusals())
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.kind().exitCode()).isEqualTo(ExitCode.PRECONDITION);
              assertThat(r.message()).startsWith("address plan:").contains("10.250.0.0/24");
            });
  }

  @Test
  @DisplayName(
      "an existing default network on another subnet is refused (exit 6); one without NAT is a"
          + " warning")
  void libvirtNetwork() {
    hypervisor.removeNetwork("default");
    hypervisor.defineNetwork(
        InMemoryHypervisor.DEFAULT_NETWORK_XML.replace("192.168.122.", "192.168.50."));
    Admission.Verdict v = judge(facts().gather(request()), 1, 0);
    assertThat(v.refusals())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.kind().exitCode()).isEqualTo(ExitCode.PRECONDITION);
              assertThat(r.message())
                  .isEqualTo(
                      "libvirt network default has address 192.168.50.1/24, not"
                          + " 192.168.122.1/24");
            });
    assertThat(v.warnings())
        .extracting(Admission.Finding::message)
        .anyMatch(m -> m.contains("hands out"));

    hypervisor.removeNetwork("default");
    hypervisor.defineNetwork(
        InMemoryHypervisor.DEFAULT_NETWORK_XML.replace("<forward mode='nat'/>", ""));
    Admission.Verdict isolated = judge(facts().gather(request()), 1, 0);
    assertThat(isolated.admitted()).isTrue();
    // (the real CPU count of this machine may add a vCPU warning; only the network's is asserted)
    assertThat(isolated.warnings())
        .filteredOn(w -> w.message().startsWith("libvirt network"))
        .singleElement()
        .satisfies(w -> assertThat(w.message()).contains("not NAT"));
  }

  @Test
  @DisplayName(
      "a missing pool is a precondition; without ZFS the images directory's filesystem counts")
  void space() throws Exception {
    assertThatThrownBy(() -> HostFacts.DiskSpace.pool(zfs, DatasetName.of("tank/vms")).free())
        .satisfies(
            e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.PRECONDITION));
    Path images = tmp.resolve("not/yet/images");
    long expected = Files.getFileStore(tmp).getUsableSpace();
    long free = HostFacts.DiskSpace.directory(images).free().bytes();
    // the filesystem's usage moves while tests run; the same filesystem within 1 GiB
    assertThat(free).isPositive().isCloseTo(expected, within(1L << 30));
    assertThat(facts(HostFacts.DiskSpace.directory(images)).gather(request()).freeForDisks())
        .hasValueSatisfying(b -> assertThat(b.bytes()).isPositive());
  }
}
