package dev.kldload.kvm.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.kvm.DhcpHost;
import dev.kldload.kvm.xml.MacAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Reservations through the real network driver of libvirtd ({@code qemu:///system}), which the test
 * driver cannot show: the persistent definition changes with the running network, and the running
 * dnsmasq is told (its hosts file). Isolated networks with their own bridge and a random
 * 10.214.x.0/24, removed afterwards. What the adapter does not do (a transient network, the
 * persistent definition of a running one) is done and read with {@code virsh}.
 */
class LibvirtDhcpHostsSystemIT {
  static final String URI = "qemu:///system";

  String name;
  int subnet;
  LibvirtHypervisor libvirt;

  @BeforeEach
  void setUp() {
    LibvirtHypervisorIT.requireLibvirt();
    Requirements.require(Requirements.isRoot(), "root (libvirtd's qemu:///system)");
    Requirements.require(
        Files.exists(Path.of("/run/libvirt/libvirt-sock")),
        "a running libvirtd (./test starts it; apt-get install libvirt-daemon-system)");
    Requirements.require(Requirements.onPath("virsh"), "virsh (apt-get install libvirt-clients)");
    name = "kd" + UUID.randomUUID().toString().substring(0, 6);
    subnet = ThreadLocalRandom.current().nextInt(100, 250);
    libvirt = new LibvirtHypervisor(URI);
  }

  @AfterEach
  void tearDown() {
    if (libvirt != null) {
      libvirt.close();
      // whichever of the two exists: a network not created, or not persistent, refuses one
      virsh("net-destroy", name);
      virsh("net-undefine", name);
    }
  }

  private static ProcessResult virsh(String... args) {
    return new SystemProcessRunner()
        .run(ProcessSpec.of("virsh", "-q", "-c", URI).args(List.of(args)).build());
  }

  private String xml() {
    return "<network><name>"
        + name
        + "</name><bridge name='"
        + name
        + "'/><ip address='10.214."
        + subnet
        + ".1' netmask='255.255.255.0'><dhcp><range start='10.214."
        + subnet
        + ".100' end='10.214."
        + subnet
        + ".199'/></dhcp></ip></network>";
  }

  private DhcpHost host() {
    return new DhcpHost(new MacAddress("52:54:00:5a:00:01"), "cp-1", "10.214." + subnet + ".10");
  }

  private String persistentXml() {
    ProcessResult r = virsh("net-dumpxml", "--inactive", name);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.stdout();
  }

  private String dnsmasqHosts() throws Exception {
    return Files.readString(Path.of("/var/lib/libvirt/dnsmasq/" + name + ".hostsfile"));
  }

  @Test
  @DisplayName(
      "an active persistent network: the reservation reaches the definition and dnsmasq, and"
          + " leaves both")
  void activePersistent() throws Exception {
    libvirt.defineNetwork(xml());
    libvirt.startNetwork(name);
    libvirt.addDhcpHost(name, host());
    assertThat(libvirt.dhcpHosts(name)).containsExactly(host());
    assertThat(persistentXml()).contains("52:54:00:5a:00:01").contains(host().ip());
    assertThat(dnsmasqHosts()).contains("52:54:00:5a:00:01").contains(host().ip());
    libvirt.removeDhcpHost(name, host());
    assertThat(libvirt.dhcpHosts(name)).isEmpty();
    assertThat(persistentXml()).doesNotContain("52:54:00:5a:00:01");
    assertThat(dnsmasqHosts()).doesNotContain("52:54:00:5a:00:01");
  }

  @Test
  @DisplayName("a transient network takes the reservation live (it has no definition to change)")
  void transientNetwork() throws Exception {
    ProcessResult created =
        new SystemProcessRunner()
            .run(
                ProcessSpec.of("virsh", "-q", "-c", URI, "net-create", "/dev/stdin")
                    .stdin(xml().getBytes(StandardCharsets.UTF_8))
                    .build());
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    libvirt.addDhcpHost(name, host());
    assertThat(libvirt.dhcpHosts(name)).containsExactly(host());
    assertThat(dnsmasqHosts()).contains(host().ip());
    libvirt.removeDhcpHost(name, host());
    assertThat(libvirt.dhcpHosts(name)).isEmpty();
  }

  @Test
  @DisplayName(
      "an inactive network takes the reservation into its definition; starting it serves it")
  void inactive() throws Exception {
    libvirt.defineNetwork(xml());
    libvirt.addDhcpHost(name, host());
    assertThat(libvirt.dhcpHosts(name)).containsExactly(host());
    libvirt.startNetwork(name);
    assertThat(libvirt.dhcpHosts(name)).containsExactly(host());
    assertThat(dnsmasqHosts()).contains(host().ip());
  }
}
