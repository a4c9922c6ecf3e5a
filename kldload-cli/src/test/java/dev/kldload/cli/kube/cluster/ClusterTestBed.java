package dev.kldload.cli.kube.cluster;

import dev.kldload.cli.CliHarness;
import dev.kldload.core.process.Programs;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.kvm.disk.Qcow2Backend;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.MacAddress;
import dev.kldload.kvm.xml.OsVariant;
import dev.kldload.net.InMemoryHostNetwork;
import dev.kldload.net.InMemoryWireGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

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
  final Qcow2Backend disks;

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
    return CliHarness.harness()
        .env("HOME", dir.toString())
        .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
        .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString())
        .env("KLDLOAD_KVM_IMAGES_DIR", dir.resolve("images").toString())
        .env("KLDLOAD_KVM_BACKEND", "qcow2")
        .env("KLDLOAD_KVM_VIRT_TYPE", "qemu")
        .env("KLDLOAD_KUBE_HOSTS_FILE", dir.resolve("hosts").toString())
        .env("KLDLOAD_KUBE_BUNDLE", dir.resolve("bundle").toString())
        .env("KLDLOAD_NET_WIREGUARD_DIR", dir.resolve("wireguard").toString())
        .env("KLDLOAD_NET_NFT_FILE", dir.resolve("nftables.nft").toString())
        .env("KLDLOAD_NET_BOOT_UNITS", "false")
        .env("KLDLOAD_PROC", dir.resolve("proc").toString())
        .env("LIBVIRT_DEFAULT_URI", URI)
        .hypervisor(uri -> hypervisor)
        .wireGuard(wireGuard)
        .hostNetwork(new InMemoryHostNetwork().address("eth0", "192.0.2.10/24"));
  }

  CliHarness.Result run(String... args) {
    return cli().exec(args);
  }
}
