package dev.kldload.kvm.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.testing.Requirements;
import dev.kldload.kvm.DhcpHost;
import dev.kldload.kvm.xml.MacAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.Network;

/**
 * Reservations through the real network driver of libvirtd ({@code qemu:///system}), which the test
 * driver cannot show: the persistent definition changes with the running network, and the running
 * dnsmasq is told (its hosts file). Isolated networks with their own bridge and a random
 * 10.214.x.0/24, removed afterwards.
 */
class LibvirtDhcpHostsSystemIT {
  static final String URI = "qemu:///system";

  /** {@code VIR_NETWORK_XML_INACTIVE}: the persistent definition of a network. */
  static final int XML_INACTIVE = 1;

  String name;
  int subnet;
  Connect connect;
  LibvirtHypervisor libvirt;

  @BeforeEach
  void setUp() throws LibvirtException {
    LibvirtHypervisorIT.requireLibvirt();
    Requirements.require(Requirements.isRoot(), "root (libvirtd's qemu:///system)");
    Requirements.require(
        Files.exists(Path.of("/run/libvirt/libvirt-sock")),
        "a running libvirtd (./test starts it; apt-get install libvirt-daemon-system)");
    name = "kd" + UUID.randomUUID().toString().substring(0, 6);
    subnet = ThreadLocalRandom.current().nextInt(100, 250);
    connect = new Connect(URI);
    libvirt = new LibvirtHypervisor(URI);
  }

  @AfterEach
  void tearDown() throws LibvirtException {
    if (libvirt != null) {
      libvirt.close();
    }
    if (connect != null) {
      try {
        Network net = connect.networkLookupByName(name);
        if (net.isActive() == 1) {
          net.destroy();
        }
        if (net.isPersistent() == 1) {
          net.undefine();
        }
      } catch (LibvirtException e) {
        // not created
      }
      connect.close();
    }
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

  private String persistentXml() throws LibvirtException {
    return connect.networkLookupByName(name).getXMLDesc(XML_INACTIVE);
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
    connect.networkCreateXML(xml()).free();
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
