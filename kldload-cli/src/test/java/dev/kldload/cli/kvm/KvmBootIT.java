package dev.kldload.cli.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.kvm.AddressSource;
import dev.kldload.kvm.GuestAddress;
import dev.kldload.kvm.libvirt.LibvirtHypervisor;
import dev.kldload.kvm.xml.Xml;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One real boot: libvirtd with QEMU in software emulation boots a guest that {@code kvm-clone} made
 * on the qcow2 backend, and the guest's serial console shows the hostname its cloud-init seed gave
 * it, then takes a live snapshot (memory saved and restored) and rolls back to it. The guest is the
 * lab VM image (Debian 12 with cloud-init, no boot loader, so OVMF boots its kernel directly);
 * {@code ./test} builds it and passes its directory in {@code KLDLOAD_LABVM_IMAGE}. The network is
 * a transient libvirt network with dnsmasq, so the address comes from the real DHCP lease table.
 */
class KvmBootIT {
  static final String URI = "qemu:///system";
  static final Duration BOOT = Duration.ofMinutes(6);

  Path dir;
  String prefix;
  String network;
  LibvirtHypervisor libvirt;
  CliHarness cli;

  @BeforeEach
  void setUp() throws IOException {
    Requirements.require(Requirements.isRoot(), "root (libvirtd's qemu:///system)");
    Requirements.require(
        Files.exists(Path.of("/run/libvirt/libvirt-sock")),
        "a running libvirtd (./test starts it; apt-get install libvirt-daemon-system)");
    String image = System.getenv("KLDLOAD_LABVM_IMAGE");
    Requirements.require(
        image != null && Files.isRegularFile(Path.of(image, "rootfs.qcow2")),
        "the lab VM image in KLDLOAD_LABVM_IMAGE (src-test-fixtures/labvm/build; ./test sets it)");
    // QEMU runs as libvirt-qemu: the directory must be traversable (libvirt chowns the files)
    dir =
        Files.createTempDirectory(
            Path.of("/var/tmp"),
            "kldload-boot-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    for (String file : new String[] {"vmlinuz", "initrd.img", "rootfs.qcow2"}) {
      Files.copy(Path.of(image, file), dir.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
    }
    prefix = "kb" + UUID.randomUUID().toString().substring(0, 6);
    Requirements.require(Requirements.onPath("virsh"), "virsh (apt-get install libvirt-clients)");
    int subnet = ThreadLocalRandom.current().nextInt(100, 250);
    network = prefix + "-net";
    String xml =
        "<network><name>"
            + network
            + "</name><bridge name='"
            + prefix
            + "'/><ip address='10.213."
            + subnet
            + ".1' netmask='255.255.255.0'><dhcp><range start='10.213."
            + subnet
            + ".10' end='10.213."
            + subnet
            + ".99'/></dhcp></ip></network>";
    ProcessResult created =
        new SystemProcessRunner()
            .run(
                ProcessSpec.of("virsh", "-q", "-c", URI, "net-create", "/dev/stdin")
                    .stdin(xml.getBytes(StandardCharsets.UTF_8))
                    .build());
    if (!created.ok()) {
      network = null;
      throw new IllegalStateException("libvirtd at " + URI + ": " + created.errorTail());
    }
    libvirt = new LibvirtHypervisor(URI);
    cli = KvmTestBed.cli(dir, "qcow2", URI);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (libvirt != null) {
      KvmTestBed.removeDomains(libvirt, prefix);
      libvirt.close();
    }
    if (network != null) {
      // transient: destroying it removes it
      new SystemProcessRunner()
          .run(ProcessSpec.of("virsh", "-c", URI, "net-destroy", network).build());
    }
    if (dir != null) {
      new SystemProcessRunner().run(ProcessSpec.of("rm", "-rf", dir.toString()).build());
    }
  }

  @Test
  @Timeout(1200)
  @DisplayName(
      "a kvm-clone'd qcow2 UEFI guest boots under QEMU/TCG, takes its seed's hostname, gets a DHCP"
          + " lease, survives a live snapshot and boots again after rollback")
  void cloneBootsWithItsSeed() throws Exception {
    String base = prefix + "-base";
    String clone = prefix + "-web";
    CliHarness.Result created =
        cli.exec(
            "kvm-create",
            base,
            "--image",
            dir.resolve("rootfs.qcow2").toString(),
            "--disk",
            "4G",
            "--ram",
            "768",
            "--cpus",
            "1",
            "--firmware",
            "uefi",
            "--os",
            "debian12",
            "--kernel",
            dir.resolve("vmlinuz").toString(),
            "--initrd",
            dir.resolve("initrd.img").toString(),
            "--cmdline",
            "root=/dev/vda rw console=ttyS0 loglevel=4",
            "--network",
            network);
    assertThat(created.exit()).as("%s", created).isZero();

    CliHarness.Result cloned = cli.exec("kvm-clone", base, clone, "--start");
    assertThat(cloned.exit()).as("%s", cloned).isZero();
    System.out.println("qcow2 backend: " + cloned.out().strip()); // the clone time, for the record
    assertThat(libvirt.domain(clone).orElseThrow().state().active()).isTrue();
    assertThat(libvirt.domain(base).orElseThrow().state().active()).isFalse();
    ProcessResult chain =
        new SystemProcessRunner()
            .run(
                ProcessSpec.of(
                        "qemu-img",
                        "info",
                        "-U",
                        "--backing-chain",
                        dir.resolve("images/" + clone + ".qcow2").toString())
                    .build());
    assertThat(chain.stdout()).as("the clone's disk is an overlay").contains("backing file:");

    String console = readConsoleUntil(clone, clone + " login:");
    assertThat(console).contains("Cloud-init").contains(clone + " login:");

    GuestAddress address =
        Conditions.system(new CancellationToken())
            .await(
                "a DHCP lease for " + clone,
                Duration.ofMinutes(2),
                () ->
                    libvirt.addresses(clone, AddressSource.LEASE).stream()
                        .filter(a -> a.address().startsWith("10.213."))
                        .findFirst());
    assertThat(address.address()).startsWith("10.213.");

    // a live snapshot of a UEFI guest, which libvirt's internal snapshots refuse: memory saved,
    // disk layer frozen, guest resumed from its saved memory
    CliHarness.Result snap = cli.exec("kvm-snap", clone, "s1");
    assertThat(snap.exit()).as("%s", snap).isZero();
    assertThat(snap.err()).contains("memory saved");
    assertThat(libvirt.domain(clone).orElseThrow().state().active()).isTrue();
    assertThat(libvirt.domain(clone).orElseThrow().savedState()).isFalse();
    assertThat(dir.resolve("images/" + clone + "@s1.qcow2")).exists();
    assertThat(dir.resolve("images/" + clone + "_VARS@s1.fd"))
        .as("the UEFI vars are kept with the snapshot")
        .hasSize(Files.size(dir.resolve("images/" + clone + "_VARS.fd")));
    CliHarness.Result rollback = cli.exec("kvm-snap", clone, "rollback", "s1");
    assertThat(rollback.exit()).as("%s", rollback).isZero();
    assertThat(readConsoleUntil(clone, clone + " login:"))
        .as("boots again from the rolled-back disk")
        .contains(clone + " login:");

    CliHarness.Result deleted = cli.exec("kvm-delete", clone, "--force", "--yes");
    assertThat(deleted.exit()).as("%s", deleted).isZero();
    CliHarness.Result deletedBase = cli.exec("kvm-delete", base, "--yes");
    assertThat(deletedBase.exit()).as("%s", deletedBase).isZero();
    assertThat(libvirt.domain(clone)).isEmpty();
    assertThat(dir.resolve("images")).isEmptyDirectory();
  }

  /**
   * Reads the domain's serial console (its pty, in raw mode so a prompt without a newline arrives)
   * until {@code expected} appears; returns everything read. Fails with the console's tail.
   */
  private String readConsoleUntil(String domain, String expected) throws Exception {
    // the live definition: only it names the pty libvirt allocated
    String xml =
        new SystemProcessRunner()
            .check(ProcessSpec.of("virsh", "-c", URI, "dumpxml", domain).build())
            .stdout();
    String pty =
        Xml.path(Xml.parse(xml).getDocumentElement(), "devices/serial/source")
            .flatMap(s -> Xml.attr(s, "path"))
            .orElseThrow(() -> new AssertionError("no serial pty in the live XML:\n" + xml));
    new SystemProcessRunner().check(ProcessSpec.of("stty", "-F", pty, "raw", "-echo").build());
    StringBuffer seen = new StringBuffer();
    Thread reader =
        new Thread(
            () -> {
              byte[] buf = new byte[4096];
              try (InputStream in = Files.newInputStream(Path.of(pty))) {
                for (int n; (n = in.read(buf)) > 0; ) {
                  seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
              } catch (IOException e) {
                // the pty closes when the domain stops
              }
            },
            "console-" + domain);
    reader.setDaemon(true);
    reader.start();
    try {
      Conditions.system(new CancellationToken())
          .await(
              "'" + expected + "' on the serial console of " + domain,
              BOOT,
              () -> seen.indexOf(expected) >= 0 ? Optional.of(true) : Optional.<Boolean>empty());
    } catch (RuntimeException e) {
      String all = seen.toString();
      throw new AssertionError(
          e.getMessage() + "\n--- console tail\n" + all.substring(Math.max(0, all.length() - 4000)),
          e);
    }
    return seen.toString().replace("\r", "");
  }
}
