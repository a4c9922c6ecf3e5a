package dev.kldload.kvm;

import dev.kldload.core.KldloadException;
import dev.kldload.kvm.xml.Xml;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A {@link Hypervisor} in memory, for unit tests of services. It keeps the rules {@code
 * HypervisorContract} checks against libvirt: state transitions, conflicts, snapshot parents.
 */
public final class InMemoryHypervisor implements Hypervisor {
  private static final class Dom {
    String xml;
    String uuid;
    DomainState state = DomainState.SHUT_OFF;
    boolean saved;
    final Map<String, SnapshotInfo> snapshots = new LinkedHashMap<>();
    Optional<String> current = Optional.empty();
  }

  private final Map<String, Dom> domains = new TreeMap<>();
  private final Map<String, List<GuestAddress>> leases = new LinkedHashMap<>();
  private final Map<String, NetworkInfo> networks = new TreeMap<>();
  private final Clock clock;

  public InMemoryHypervisor() {
    this(Clock.systemUTC());
  }

  public InMemoryHypervisor(Clock clock) {
    this.clock = clock;
    // what a fresh libvirt install and the test driver both have
    defineNetwork(DEFAULT_NETWORK_XML);
    startNetwork("default");
  }

  /** libvirt's stock {@code default} network (as in /usr/share/libvirt/networks/default.xml). */
  public static final String DEFAULT_NETWORK_XML =
      "<network><name>default</name><forward mode='nat'/>"
          + "<bridge name='virbr0' stp='on' delay='0'/>"
          + "<ip address='192.168.122.1' netmask='255.255.255.0'>"
          + "<dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp></ip></network>";

  /** Test hook: the addresses the lease source reports for a domain. */
  public synchronized void lease(String domain, GuestAddress address) {
    leases.computeIfAbsent(domain, d -> new ArrayList<>()).add(address);
  }

  @Override
  public String uri() {
    return "memory:///";
  }

  @Override
  public synchronized List<VmDomain> domains() {
    return domains.keySet().stream().map(this::view).toList();
  }

  @Override
  public synchronized Optional<VmDomain> domain(String name) {
    return domains.containsKey(name) ? Optional.of(view(name)) : Optional.empty();
  }

  private VmDomain view(String name) {
    Dom d = domains.get(name);
    Element root = Xml.parse(d.xml).getDocumentElement();
    long memory = Long.parseLong(Xml.text(root, "memory").orElse("0"));
    String unit = Xml.path(root, "memory").flatMap(m -> Xml.attr(m, "unit")).orElse("KiB");
    long kib = unit.equals("MiB") ? memory * 1024 : memory;
    int vcpus = Integer.parseInt(Xml.text(root, "vcpu").orElse("1"));
    return new VmDomain(name, d.uuid, d.state, kib, vcpus, d.xml, d.saved);
  }

  private Dom require(String name) {
    Dom d = domains.get(name);
    if (d == null) {
      throw KldloadException.notFound(
          "domain " + name + " does not exist on " + uri(), "see 'kvm-list'");
    }
    return d;
  }

  @Override
  public synchronized VmDomain define(String xml) {
    Document doc = Xml.parse(xml);
    Element root = doc.getDocumentElement();
    String name =
        Xml.text(root, "name")
            .filter(n -> !n.isEmpty())
            .orElseThrow(() -> KldloadException.invalid("domain XML has no name", null));
    Optional<String> uuid = Xml.text(root, "uuid");
    Dom existing = domains.get(name);
    if (existing != null && (uuid.isEmpty() || !uuid.get().equalsIgnoreCase(existing.uuid))) {
      throw KldloadException.conflict("domain " + name + " already exists on " + uri(), null);
    }
    Dom d = existing != null ? existing : new Dom();
    d.uuid = uuid.orElseGet(() -> UUID.randomUUID().toString());
    if (uuid.isEmpty()) {
      Element element = doc.createElement("uuid");
      element.setTextContent(d.uuid);
      root.insertBefore(element, Xml.first(root, "name").get().getNextSibling());
    }
    d.xml = Xml.write(doc);
    domains.put(name, d);
    return view(name);
  }

  private void transition(String name, String action, DomainState from, DomainState to) {
    Dom d = require(name);
    if (d.state != from) {
      throw KldloadException.conflict(
          "domain " + name + ": " + action + " failed: domain is " + d.state.label(),
          "check the domain's state with 'kvm-list'");
    }
    d.state = to;
  }

  @Override
  public synchronized void start(String name) {
    transition(name, "start", DomainState.SHUT_OFF, DomainState.RUNNING);
    require(name).saved = false;
  }

  @Override
  public synchronized void saveState(String name) {
    Dom d = require(name);
    if (!d.state.active()) {
      throw KldloadException.conflict(
          "domain " + name + " is not running: there is no state to save", null);
    }
    d.state = DomainState.SHUT_OFF;
    d.saved = true;
  }

  @Override
  public synchronized void discardSavedState(String name) {
    require(name).saved = false;
  }

  @Override
  public synchronized void suspend(String name) {
    transition(name, "pause", DomainState.RUNNING, DomainState.PAUSED);
  }

  @Override
  public synchronized void resume(String name) {
    transition(name, "resume", DomainState.PAUSED, DomainState.RUNNING);
  }

  @Override
  public synchronized void powerOff(String name) {
    Dom d = require(name);
    if (!d.state.active()) {
      throw KldloadException.conflict(
          "domain " + name + ": power off failed: domain is not running", null);
    }
    d.state = DomainState.SHUT_OFF;
  }

  @Override
  public synchronized void shutdown(String name) {
    transition(name, "shut down", DomainState.RUNNING, DomainState.SHUT_OFF);
  }

  @Override
  public synchronized void undefine(String name) {
    require(name);
    domains.remove(name);
    leases.remove(name);
  }

  @Override
  public synchronized List<SnapshotInfo> snapshots(String domain) {
    return List.copyOf(require(domain).snapshots.values());
  }

  @Override
  public synchronized SnapshotInfo createSnapshot(
      String domain, String snapshot, String description) {
    Dom d = require(domain);
    if (d.snapshots.containsKey(snapshot)) {
      throw KldloadException.conflict(
          "domain " + domain + ": snapshot " + snapshot + " already exists", null);
    }
    SnapshotInfo info =
        new SnapshotInfo(
            snapshot,
            Instant.ofEpochSecond(clock.instant().getEpochSecond()),
            d.state,
            d.current,
            description);
    d.snapshots.put(snapshot, info);
    d.current = Optional.of(snapshot);
    return info;
  }

  @Override
  public synchronized void revertToSnapshot(String domain, String snapshot) {
    Dom d = require(domain);
    SnapshotInfo info = snapshot(d, domain, snapshot);
    d.state = info.state();
    d.current = Optional.of(snapshot);
  }

  private static SnapshotInfo snapshot(Dom d, String domain, String snapshot) {
    SnapshotInfo info = d.snapshots.get(snapshot);
    if (info == null) {
      throw KldloadException.notFound(
          "domain " + domain + ": snapshot " + snapshot + " does not exist", null);
    }
    return info;
  }

  @Override
  public synchronized void deleteSnapshot(String domain, String snapshot) {
    Dom d = require(domain);
    SnapshotInfo gone = snapshot(d, domain, snapshot);
    d.snapshots.remove(snapshot);
    // children move up to the deleted snapshot's parent, as libvirt does
    d.snapshots.replaceAll(
        (name, s) ->
            s.parent().equals(Optional.of(snapshot))
                ? new SnapshotInfo(s.name(), s.created(), s.state(), gone.parent(), s.description())
                : s);
    if (d.current.equals(Optional.of(snapshot))) {
      d.current = gone.parent();
    }
  }

  @Override
  public synchronized List<NetworkInfo> networks() {
    return List.copyOf(networks.values());
  }

  @Override
  public synchronized Optional<NetworkInfo> network(String name) {
    return Optional.ofNullable(networks.get(name));
  }

  @Override
  public synchronized NetworkInfo defineNetwork(String xml) {
    Element root = Xml.parse(xml).getDocumentElement();
    String name =
        Xml.text(root, "name")
            .filter(n -> !n.isEmpty())
            .orElseThrow(() -> KldloadException.invalid("network XML has no name", null));
    if (networks.containsKey(name)) {
      throw KldloadException.conflict("network " + name + " already exists on " + uri(), null);
    }
    Optional<String> bridge = Xml.path(root, "bridge").flatMap(b -> Xml.attr(b, "name"));
    NetworkInfo info = new NetworkInfo(name, false, false, bridge, xml);
    networks.put(name, info);
    return info;
  }

  private NetworkInfo requireNetwork(String name) {
    NetworkInfo n = networks.get(name);
    if (n == null) {
      throw KldloadException.notFound("network " + name + " does not exist on " + uri(), null);
    }
    return n;
  }

  @Override
  public synchronized void startNetwork(String name) {
    NetworkInfo n = requireNetwork(name);
    if (n.active()) {
      throw KldloadException.conflict("network " + name + " is already active", null);
    }
    networks.put(name, new NetworkInfo(name, true, n.autostart(), n.bridge(), n.xml()));
  }

  @Override
  public synchronized void setNetworkAutostart(String name, boolean autostart) {
    NetworkInfo n = requireNetwork(name);
    networks.put(name, new NetworkInfo(name, n.active(), autostart, n.bridge(), n.xml()));
  }

  /** Test hook: drops a network, as an operator's {@code virsh net-undefine} would. */
  public synchronized void removeNetwork(String name) {
    networks.remove(name);
  }

  @Override
  public synchronized List<DhcpHost> dhcpHosts(String network) {
    return DhcpHost.inNetwork(requireNetwork(network).xml());
  }

  @Override
  public synchronized void addDhcpHost(String network, DhcpHost host) {
    NetworkInfo n = requireNetwork(network);
    for (DhcpHost held : DhcpHost.inNetwork(n.xml())) {
      if (held.mac().equals(host.mac())
          || held.ip().equals(host.ip())
          || (!host.name().isEmpty() && held.name().equals(host.name()))) {
        throw KldloadException.conflict(
            "network "
                + network
                + ": cannot reserve "
                + host.display()
                + ": "
                + held.display()
                + " is reserved",
            null);
      }
    }
    Document doc = Xml.parse(n.xml());
    Element ip =
        Xml.children(doc.getDocumentElement(), "ip").stream()
            .filter(e -> !Xml.attr(e, "family").orElse("ipv4").equals("ipv6"))
            .findFirst()
            .orElseThrow(
                () ->
                    KldloadException.invalid(
                        "network " + network + " has no IPv4 address to reserve in", null));
    Element dhcp = Xml.first(ip, "dhcp").orElseGet(() -> Xml.child(ip, "dhcp"));
    dhcp.appendChild(doc.importNode(Xml.parse(host.xml()).getDocumentElement(), true));
    replaceXml(n, Xml.write(doc));
  }

  @Override
  public synchronized void removeDhcpHost(String network, DhcpHost host) {
    NetworkInfo n = requireNetwork(network);
    Document doc = Xml.parse(n.xml());
    for (Element ip : Xml.children(doc.getDocumentElement(), "ip")) {
      for (Element dhcp : Xml.children(ip, "dhcp")) {
        for (Element entry : Xml.children(dhcp, "host")) {
          boolean same =
              Xml.attr(entry, "mac").orElse("").equalsIgnoreCase(host.mac().value())
                  && Xml.attr(entry, "name").orElse("").equals(host.name())
                  && Xml.attr(entry, "ip").orElse("").equals(host.ip());
          if (same) {
            dhcp.removeChild(entry);
          }
        }
      }
    }
    replaceXml(n, Xml.write(doc));
  }

  private void replaceXml(NetworkInfo n, String xml) {
    networks.put(n.name(), new NetworkInfo(n.name(), n.active(), n.autostart(), n.bridge(), xml));
  }

  @Override
  public synchronized List<GuestAddress> addresses(String domain, AddressSource source) {
    require(domain);
    return source == AddressSource.LEASE
        ? List.copyOf(leases.getOrDefault(domain, List.of()))
        : List.of();
  }

  @Override
  public void close() {}
}
