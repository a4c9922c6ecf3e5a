package dev.kldload.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.xml.DomainDefinition;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.MacAddress;
import dev.kldload.kvm.xml.OsVariant;
import dev.kldload.kvm.xml.Xml;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * What every {@link Hypervisor} must do; run against the in-memory fake and against libvirt's test
 * driver. Names are unique per test because libvirt's test driver shares state within a process.
 */
public abstract class HypervisorContract {
  protected Hypervisor hypervisor;
  private String prefix;

  /** A fresh (or shared, for libvirt) hypervisor for one test. */
  protected abstract Hypervisor open();

  @BeforeEach
  void setUp() {
    hypervisor = open();
    prefix = "c" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void tearDown() {
    for (VmDomain d : hypervisor.domains()) {
      if (d.name().startsWith(prefix)) {
        if (d.state().active()) {
          hypervisor.powerOff(d.name());
        }
        hypervisor.undefine(d.name());
      }
    }
    hypervisor.close();
  }

  protected String name(String suffix) {
    return prefix + "-" + suffix;
  }

  protected static String xml(String name, int vcpus) {
    return DomainXmlWriter.write(
        new DomainSpec(
            VmName.of(name),
            "qemu",
            ByteSize.ofMegabytes(256),
            vcpus,
            new DomainSpec.Bios(),
            List.of(
                new DomainSpec.Disk(DomainSpec.DiskKind.QCOW2, Path.of("/tmp/" + name + ".qcow2"))),
            Optional.empty(),
            Optional.empty(),
            List.of(new DomainSpec.Nic(DomainSpec.NicKind.NETWORK, "default")),
            "127.0.0.1",
            DomainMetadata.vm("contract"),
            Optional.empty(),
            OsVariant.GENERIC));
  }

  @Test
  @DisplayName("a defined domain is shut off, listed, and keeps its memory, vCPUs and our metadata")
  void defineAndRead() {
    String name = name("a");
    VmDomain defined = hypervisor.define(xml(name, 2));
    assertThat(defined.name()).isEqualTo(name);
    assertThat(defined.state()).isEqualTo(DomainState.SHUT_OFF);
    assertThat(defined.uuid()).isNotBlank();
    VmDomain read = hypervisor.domain(name).orElseThrow();
    assertThat(read.memoryKib()).isEqualTo(256 * 1024);
    assertThat(read.vcpus()).isEqualTo(2);
    DomainDefinition def = DomainDefinition.parse(read.xml());
    assertThat(def.metadata()).contains(DomainMetadata.vm("contract"));
    assertThat(def.uuid()).contains(read.uuid());
    assertThat(hypervisor.domains()).extracting(VmDomain::name).contains(name);
  }

  @Test
  @DisplayName("domains() is sorted by name")
  void sorted() {
    hypervisor.define(xml(name("b"), 1));
    hypervisor.define(xml(name("a"), 1));
    List<String> names = hypervisor.domains().stream().map(VmDomain::name).toList();
    assertThat(names).isSorted();
  }

  @Test
  @DisplayName("defining a taken name without its uuid is a conflict; with the uuid it updates")
  void redefine() {
    String name = name("r");
    VmDomain first = hypervisor.define(xml(name, 1));
    assertThatThrownBy(() -> hypervisor.define(xml(name, 3)))
        .isInstanceOf(KldloadException.class)
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT))
        .hasMessageContaining(name);
    var doc = Xml.parse(first.xml());
    Xml.first(doc.getDocumentElement(), "vcpu").orElseThrow().setTextContent("3");
    hypervisor.define(Xml.write(doc));
    assertThat(hypervisor.domain(name).orElseThrow().vcpus()).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "lifecycle: start, pause, resume, power off; starting a running domain is a conflict")
  void lifecycle() {
    String name = name("l");
    hypervisor.define(xml(name, 1));
    hypervisor.start(name);
    assertThat(state(name)).isEqualTo(DomainState.RUNNING);
    assertThatThrownBy(() -> hypervisor.start(name))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT))
        .hasMessageContaining(name);
    hypervisor.suspend(name);
    assertThat(state(name)).isEqualTo(DomainState.PAUSED);
    hypervisor.resume(name);
    assertThat(state(name)).isEqualTo(DomainState.RUNNING);
    hypervisor.powerOff(name);
    assertThat(state(name)).isEqualTo(DomainState.SHUT_OFF);
  }

  @Test
  @DisplayName(
      "saved state: a running guest stops with its memory saved, start resumes it, discard forgets")
  void savedState() {
    String name = name("s");
    hypervisor.define(xml(name, 1));
    assertThatThrownBy(() -> hypervisor.saveState(name))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT))
        .hasMessageContaining(name);
    hypervisor.start(name);
    hypervisor.saveState(name);
    assertThat(state(name)).isEqualTo(DomainState.SHUT_OFF);
    assertThat(saved(name)).isTrue();
    assertThat(hypervisor.domain(name).orElseThrow().stateLabel()).isEqualTo("saved");
    assertThat(hypervisor.domains())
        .filteredOn(d -> d.name().equals(name))
        .singleElement()
        .satisfies(d -> assertThat(d.savedState()).isTrue());
    hypervisor.start(name);
    assertThat(state(name)).isEqualTo(DomainState.RUNNING);
    assertThat(saved(name)).isFalse();
    hypervisor.saveState(name);
    hypervisor.discardSavedState(name);
    assertThat(saved(name)).isFalse();
    hypervisor.discardSavedState(name);
    hypervisor.start(name);
    hypervisor.saveState(name);
    hypervisor.undefine(name);
    assertThat(hypervisor.domain(name)).isEmpty();
  }

  @Test
  @DisplayName("an unknown domain is empty on lookup and NOT_FOUND, named, on actions")
  void missing() {
    String name = name("missing");
    assertThat(hypervisor.domain(name)).isEmpty();
    assertThatThrownBy(() -> hypervisor.start(name))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND))
        .hasMessageContaining(name);
  }

  @Test
  @DisplayName("undefine removes the domain")
  void undefine() {
    String name = name("u");
    hypervisor.define(xml(name, 1));
    hypervisor.undefine(name);
    assertThat(hypervisor.domain(name)).isEmpty();
    assertThat(hypervisor.domains()).extracting(VmDomain::name).doesNotContain(name);
  }

  @Test
  @DisplayName("snapshots: ordered oldest first with parents; duplicates conflict; revert; delete")
  void snapshots() {
    String name = name("s");
    hypervisor.define(xml(name, 1));
    hypervisor.createSnapshot(name, "one", "first");
    hypervisor.start(name);
    hypervisor.createSnapshot(name, "two", "second");
    List<SnapshotInfo> list = hypervisor.snapshots(name);
    assertThat(list).extracting(SnapshotInfo::name).containsExactly("one", "two");
    assertThat(list.get(1).parent()).contains("one");
    assertThat(list.get(0).state()).isEqualTo(DomainState.SHUT_OFF);
    assertThat(list.get(1).state()).isEqualTo(DomainState.RUNNING);
    assertThat(list.get(0).description()).isEqualTo("first");
    assertThatThrownBy(() -> hypervisor.createSnapshot(name, "one", ""))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT));
    hypervisor.revertToSnapshot(name, "one");
    assertThat(state(name)).isEqualTo(DomainState.SHUT_OFF);
    hypervisor.deleteSnapshot(name, "one");
    assertThat(hypervisor.snapshots(name)).extracting(SnapshotInfo::name).containsExactly("two");
    assertThat(hypervisor.snapshots(name).get(0).parent()).isEmpty();
    assertThatThrownBy(() -> hypervisor.revertToSnapshot(name, "nope"))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }

  @Test
  @DisplayName("the default network is listed and active")
  void networks() {
    assertThat(hypervisor.networks())
        .anySatisfy(
            n -> {
              assertThat(n.name()).isEqualTo("default");
              assertThat(n.active()).isTrue();
            });
  }

  /** A NAT network with a bridge and subnet of its own (names are unique per test). */
  protected String networkXml(String name, int subnet) {
    return "<network><name>"
        + name
        + "</name><forward mode='nat'/><bridge name='kb"
        + name.substring(1, 9)
        + "' stp='on' delay='0'/><ip address='10.199."
        + subnet
        + ".1' netmask='255.255.255.0'><dhcp><range start='10.199."
        + subnet
        + ".2' end='10.199."
        + subnet
        + ".254'/></dhcp></ip></network>";
  }

  @Test
  @DisplayName("a defined network is listed inactive, without autostart, with its bridge and XML")
  void defineNetwork() {
    String net = name("net");
    NetworkInfo defined = hypervisor.defineNetwork(networkXml(net, 11));
    assertThat(defined.name()).isEqualTo(net);
    assertThat(defined.active()).isFalse();
    assertThat(defined.autostart()).isFalse();
    assertThat(defined.bridge()).contains("kb" + net.substring(1, 9));
    NetworkInfo read = hypervisor.network(net).orElseThrow();
    assertThat(read.active()).isFalse();
    Element ip = Xml.path(Xml.parse(read.xml()).getDocumentElement(), "ip").orElseThrow();
    assertThat(Xml.attr(ip, "address")).contains("10.199.11.1");
    assertThat(hypervisor.networks()).extracting(NetworkInfo::name).contains(net);
    assertThat(hypervisor.network(name("absent"))).isEmpty();
  }

  @Test
  @DisplayName("defining a network whose name exists is a conflict and leaves it as it was")
  void defineNetworkTwice() {
    String net = name("net");
    hypervisor.defineNetwork(networkXml(net, 12));
    hypervisor.startNetwork(net);
    assertThatThrownBy(() -> hypervisor.defineNetwork(networkXml(net, 13)))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT));
    NetworkInfo kept = hypervisor.network(net).orElseThrow();
    assertThat(kept.active()).isTrue();
    assertThat(kept.xml()).contains("10.199.12.1").doesNotContain("10.199.13.1");
  }

  @Test
  @DisplayName(
      "a started network is active; starting it again is a conflict, an unknown one not found")
  void startNetwork() {
    String net = name("net");
    hypervisor.defineNetwork(networkXml(net, 14));
    hypervisor.startNetwork(net);
    assertThat(hypervisor.network(net).orElseThrow().active()).isTrue();
    assertThatThrownBy(() -> hypervisor.startNetwork(net))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT));
    assertThatThrownBy(() -> hypervisor.startNetwork(name("absent")))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }

  @Test
  @DisplayName("autostart is set and cleared, and reads back")
  void networkAutostart() {
    String net = name("net");
    hypervisor.defineNetwork(networkXml(net, 15));
    hypervisor.setNetworkAutostart(net, true);
    assertThat(hypervisor.network(net).orElseThrow().autostart()).isTrue();
    hypervisor.setNetworkAutostart(net, false);
    assertThat(hypervisor.network(net).orElseThrow().autostart()).isFalse();
    assertThatThrownBy(() -> hypervisor.setNetworkAutostart(name("absent"), true))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }

  private static DhcpHost host(String mac, String name, String ip) {
    return new DhcpHost(new MacAddress(mac), name, ip);
  }

  @Test
  @DisplayName(
      "a reservation is listed and in the running network's XML; removing it twice is harmless")
  void dhcpHosts() {
    String net = name("net");
    hypervisor.defineNetwork(networkXml(net, 16));
    hypervisor.startNetwork(net);
    assertThat(hypervisor.dhcpHosts(net)).isEmpty();
    DhcpHost cp = host("52:54:00:0a:00:01", "cp-1", "10.199.16.10");
    DhcpHost worker = host("52:54:00:0a:00:02", "", "10.199.16.11");
    hypervisor.addDhcpHost(net, cp);
    hypervisor.addDhcpHost(net, worker);
    assertThat(hypervisor.dhcpHosts(net)).containsExactly(cp, worker);
    assertThat(hypervisor.network(net).orElseThrow().xml())
        .contains("52:54:00:0a:00:01")
        .contains("10.199.16.10");
    hypervisor.removeDhcpHost(net, cp);
    assertThat(hypervisor.dhcpHosts(net)).containsExactly(worker);
    hypervisor.removeDhcpHost(net, cp);
    hypervisor.removeDhcpHost(net, host("52:54:00:0a:00:02", "", "10.199.16.99"));
    assertThat(hypervisor.dhcpHosts(net)).containsExactly(worker);
  }

  @Test
  @DisplayName("reserving a MAC, name or address that is held is a conflict naming the holder")
  void dhcpHostConflicts() {
    String net = name("net");
    hypervisor.defineNetwork(networkXml(net, 17));
    hypervisor.startNetwork(net);
    DhcpHost held = host("52:54:00:0b:00:01", "cp-1", "10.199.17.10");
    hypervisor.addDhcpHost(net, held);
    for (DhcpHost clash :
        List.of(
            host("52:54:00:0b:00:01", "other", "10.199.17.20"),
            host("52:54:00:0b:00:09", "other", "10.199.17.10"),
            host("52:54:00:0b:00:09", "cp-1", "10.199.17.20"))) {
      assertThatThrownBy(() -> hypervisor.addDhcpHost(net, clash))
          .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT))
          .hasMessageContaining("10.199.17.10");
    }
    assertThat(hypervisor.dhcpHosts(net)).containsExactly(held);
  }

  @Test
  @DisplayName("an inactive network keeps a reservation in its definition and has it once started")
  void dhcpHostInactive() {
    String net = name("net");
    hypervisor.defineNetwork(networkXml(net, 18));
    DhcpHost cp = host("52:54:00:0c:00:01", "cp-1", "10.199.18.10");
    hypervisor.addDhcpHost(net, cp);
    assertThat(hypervisor.dhcpHosts(net)).containsExactly(cp);
    hypervisor.startNetwork(net);
    assertThat(hypervisor.dhcpHosts(net)).containsExactly(cp);
  }

  @Test
  @DisplayName("reservations on an unknown network are NOT_FOUND")
  void dhcpHostsUnknownNetwork() {
    String net = name("absent");
    DhcpHost cp = host("52:54:00:0d:00:01", "cp-1", "10.199.19.10");
    for (Runnable call :
        List.<Runnable>of(
            () -> hypervisor.dhcpHosts(net),
            () -> hypervisor.addDhcpHost(net, cp),
            () -> hypervisor.removeDhcpHost(net, cp))) {
      assertThatThrownBy(call::run)
          .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND))
          .hasMessageContaining(net);
    }
  }

  @Test
  @DisplayName("a shut-off domain has no addresses")
  void noAddresses() {
    String name = name("n");
    hypervisor.define(xml(name, 1));
    assertThat(hypervisor.addresses(name, AddressSource.LEASE)).isEmpty();
  }

  private DomainState state(String name) {
    return hypervisor.domain(name).orElseThrow().state();
  }

  private boolean saved(String name) {
    return hypervisor.domain(name).orElseThrow().savedState();
  }
}
