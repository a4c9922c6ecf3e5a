package dev.kldload.cli.kube.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.VmName;
import dev.kldload.kube.orchestrator.ClusterBootstrap;
import dev.kldload.kvm.DhcpHost;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.ZvolBackend;
import dev.kldload.kvm.libvirt.LibvirtHypervisor;
import dev.kldload.kvm.xml.DomainDefinition;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.MacAddress;
import dev.kldload.kvm.xml.OsVariant;
import dev.kldload.zfs.lzc.LibzfsCoreZfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kube-cluster} on the zvol backend in the lab VM: real OpenZFS (a file-vdev pool of this
 * test's own, {@code klclu}) and libvirt's test driver in this JVM, whose domains are defined and
 * "started" but never boot, so the bootstrap stops after its clones phase. The golden is made here
 * as {@code kube-cluster golden} leaves it: a marked zvol with the snapshot {@code golden} and a
 * BIOS domain carrying the golden marks.
 */
@Tag("lab")
// seeds (xorriso) and three zvol device nodes under emulation; well past the tier's 240 s default
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClusterZvolLabIT {
  private static final String POOL = "klclu";
  private static final String PARENT = POOL + "/vms";
  private static final String URI = "test:///default";
  private static final VmName GOLDEN = VmName.of("k8s-golden");
  private static final String GOLDEN_SNAPSHOT = PARENT + "/" + GOLDEN + "@golden";
  private static final String FOREIGN = PARENT + "/foreign";
  private static final List<String> NODES = List.of("kldload-cp", "kldload-w-1", "kldload-w-2");
  private static final SystemProcessRunner RUNNER = new SystemProcessRunner();

  @TempDir Path dir;
  LibvirtHypervisor libvirt;
  ZvolBackend disks;

  @BeforeAll
  static void pool() {
    Requirements.require(
        Files.exists(Path.of("/dev/zfs")) && Requirements.isRoot(),
        "a ZFS kernel module and root (lab VM)");
    for (String tool : List.of("qemu-img", "xorriso", "ssh-keygen")) {
      Requirements.require(Requirements.onPath(tool), tool + " (lab VM packages.txt)");
    }
    if (!RUNNER.run(ProcessSpec.of("zpool", "list", "-H", POOL).readOnly().build()).ok()) {
      RUNNER.check("truncate", "-s", "2G", "/var/tmp/" + POOL + ".img");
      RUNNER.check(
          "zpool", "create", "-f", "-O", "compression=lz4", POOL, "/var/tmp/" + POOL + ".img");
      RUNNER.check("zfs", "create", PARENT);
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    // the test driver frees its state when the last connection closes: hold one for the test
    libvirt = new LibvirtHypervisor(URI);
    libvirt.domains();
    disks =
        ZvolBackend.onHost(
            new LibzfsCoreZfs(RUNNER),
            DatasetName.of(PARENT),
            RUNNER,
            Clock.systemUTC(),
            new CancellationToken());
    Path proc = Files.createDirectories(dir.resolve("proc"));
    // the sizing rule wants a host of cluster size; the test driver never allocates the memory
    Files.writeString(proc.resolve("meminfo"), "MemTotal:       65536000 kB\n");
    Files.write(dir.resolve("hosts"), List.of("127.0.0.1\tlocalhost"));
  }

  @AfterEach
  void tearDown() {
    for (VmDomain d : libvirt.domains()) {
      if (d.name().startsWith("kldload-") || d.name().equals(GOLDEN.value())) {
        if (d.state().active()) {
          libvirt.powerOff(d.name());
        }
        libvirt.undefine(d.name());
      }
    }
    libvirt.close();
    // children first: the foreign clone and the nodes depend on the golden's snapshot
    for (String ds : List.of(FOREIGN, PARENT + "/kldload-cp", PARENT + "/kldload-w-1")) {
      destroyIfExists(ds);
    }
    destroyIfExists(PARENT + "/kldload-w-2");
    destroyIfExists(PARENT + "/" + GOLDEN);
  }

  private static void destroyIfExists(String dataset) {
    if (exists(dataset)) {
      RUNNER.check("zfs", "destroy", "-r", dataset);
    }
  }

  private static boolean exists(String dataset) {
    return RUNNER.run(ProcessSpec.of("zfs", "list", "-H", dataset).readOnly().build()).ok();
  }

  private static String zfsGet(String property, String dataset) {
    return RUNNER
        .check("zfs", "get", "-H", "-p", "-o", "value", property, dataset)
        .stdout()
        .strip();
  }

  private CliHarness cli() {
    return CliHarness.harness()
        .env("HOME", dir.toString())
        .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
        .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString())
        .env("KLDLOAD_KVM_IMAGES_DIR", dir.resolve("images").toString())
        .env("KLDLOAD_KVM_BACKEND", "zfs")
        .env("KLDLOAD_ZFS_VM_PARENT", PARENT)
        .env("KLDLOAD_KVM_VIRT_TYPE", "qemu")
        .env("KLDLOAD_KUBE_HOSTS_FILE", dir.resolve("hosts").toString())
        .env("KLDLOAD_KUBE_BUNDLE", dir.resolve("bundle").toString())
        .env("KLDLOAD_NET_WIREGUARD_DIR", dir.resolve("wireguard").toString())
        .env("KLDLOAD_NET_NFT_FILE", dir.resolve("nftables.nft").toString())
        .env("KLDLOAD_NET_BOOT_UNITS", "false")
        .env("KLDLOAD_PROC", dir.resolve("proc").toString())
        .env("LIBVIRT_DEFAULT_URI", URI);
  }

  /**
   * The golden as {@code kube-cluster golden} leaves it: a 1 GB zvol marked owner kube-cluster,
   * role golden (its bytes do not matter: no node boots), the snapshot {@code golden}, and a BIOS
   * domain with one disk and one NIC carrying the golden marks.
   */
  private void golden() throws Exception {
    Path image = dir.resolve("golden.raw");
    RUNNER.check("truncate", "-s", "1M", image.toString());
    disks.createFromImage(GOLDEN, image, ByteSize.ofGigabytes(1), ClusterBootstrap.OWNER, "golden");
    disks.snapshot(GOLDEN, "golden");
    libvirt.define(
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
                new DomainMetadata(
                    ClusterBootstrap.OWNER, "golden", Optional.empty(), Optional.empty()),
                Optional.empty(),
                OsVariant.DEBIAN12)));
  }

  @Test
  @DisplayName(
      "bootstrap --until clones makes marked zvol clones of the golden's snapshot and marked"
          + " domains; destroy --all refuses (exit 5) while a foreign clone depends on the golden;"
          + " destroy removes the cluster's clones only")
  void clonesAndDestroy() throws Exception {
    golden();
    assertThat(zfsGet("com.kldload:role", PARENT + "/" + GOLDEN)).isEqualTo("golden");

    long t0 = System.nanoTime();
    CliHarness.Result boot =
        cli()
            .exec(
                "kube-cluster",
                "bootstrap",
                "--cps",
                "1",
                "--workers",
                "2",
                "--ram",
                "1024",
                "--until",
                "clones");
    long bootMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(boot.exit()).as("%s", boot).isZero();
    System.out.println("kube-cluster bootstrap --until clones (3 nodes, zvol): " + bootMs + " ms");
    assertThat(libvirt.dhcpHosts("default"))
        .as("a reservation per node")
        .extracting(DhcpHost::name)
        .containsExactlyInAnyOrderElementsOf(NODES);
    for (String node : NODES) {
      String zvol = PARENT + "/" + node;
      assertThat(exists(zvol)).as(zvol).isTrue();
      assertThat(zfsGet("type", zvol)).as(zvol).isEqualTo("volume");
      assertThat(zfsGet("origin", zvol)).as(zvol).isEqualTo(GOLDEN_SNAPSHOT);
      assertThat(zfsGet("com.kldload:clone-origin", zvol)).as(zvol).isEqualTo(GOLDEN_SNAPSHOT);
      assertThat(zfsGet("com.kldload:owner", zvol)).as(zvol).isEqualTo(ClusterBootstrap.OWNER);
      assertThat(zfsGet("com.kldload:role", zvol))
          .as(zvol)
          .isEqualTo(node.endsWith("-cp") ? "cp" : "worker");
      assertThat(zfsGet("com.kldload:created", zvol)).as(zvol).isNotIn("-", "");
      assertThat(Path.of("/dev/zvol/" + zvol)).as("device of %s", zvol).exists();
      assertThat(dir.resolve("images/" + node + "-seed.iso")).exists();

      VmDomain domain = libvirt.domain(node).orElseThrow();
      assertThat(domain.state().active()).as("%s started", node).isTrue();
      DomainDefinition def = DomainDefinition.parse(domain.xml());
      assertThat(def.dataDisks()).hasSize(1);
      assertThat(def.dataDisks().get(0).source()).contains(Path.of("/dev/zvol/" + zvol));
      DomainMetadata marks = def.metadata().orElseThrow();
      assertThat(marks.owner()).isEqualTo(ClusterBootstrap.OWNER);
      assertThat(marks.role()).isEqualTo(node.equals("kldload-cp") ? "cp" : "worker");
      assertThat(marks.cluster()).contains("kldload");
      assertThat(marks.cloneOrigin()).contains(GOLDEN + "@golden");
    }

    // a clone of the golden that this cluster did not make, by hand as an operator would
    RUNNER.check("zfs", "clone", GOLDEN_SNAPSHOT, FOREIGN);

    CliHarness.Result all = cli().exec("kube-cluster", "destroy", "--all", "--yes");
    assertThat(all.exit()).as("%s", all).isEqualTo(5);
    assertThat(all.err()).contains(FOREIGN);
    for (String node : NODES) {
      assertThat(exists(PARENT + "/" + node)).as("%s kept", node).isTrue();
      assertThat(libvirt.domain(node)).as("%s kept", node).isPresent();
    }
    assertThat(exists(GOLDEN_SNAPSHOT)).isTrue();
    assertThat(libvirt.domain(GOLDEN.value())).isPresent();
    assertThat(dir.resolve("state/clusters/kldload/cluster.json")).exists();

    CliHarness.Result destroy = cli().exec("kube-cluster", "destroy", "--yes");
    assertThat(destroy.exit()).as("%s", destroy).isZero();
    for (String node : NODES) {
      assertThat(exists(PARENT + "/" + node)).as("%s removed", node).isFalse();
      assertThat(libvirt.domain(node)).as("%s removed", node).isEmpty();
      assertThat(dir.resolve("images/" + node + "-seed.iso")).doesNotExist();
    }
    assertThat(exists(GOLDEN_SNAPSHOT)).as("the golden stays").isTrue();
    assertThat(libvirt.domain(GOLDEN.value())).as("the golden's domain stays").isPresent();
    assertThat(zfsGet("origin", FOREIGN)).as("the foreign clone stays").isEqualTo(GOLDEN_SNAPSHOT);
    assertThat(dir.resolve("state/clusters/kldload")).doesNotExist();
    assertThat(libvirt.dhcpHosts("default")).as("the reservations went").isEmpty();
  }
}
