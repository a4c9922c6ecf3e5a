package dev.kldload.kvm.libvirt;

import com.sun.jna.Pointer;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.kvm.AddressSource;
import dev.kldload.kvm.DhcpHost;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.GuestAddress;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.NetworkInfo;
import dev.kldload.kvm.SnapshotInfo;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.libvirt.jna.LibvirtNetworkUpdate;
import dev.kldload.kvm.xml.Xml;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.DomainInterface;
import org.libvirt.Error;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.libvirt.Network;
import org.libvirt.jna.ConnectionPointer;
import org.libvirt.jna.Libvirt;
import org.libvirt.jna.NetworkPointer;
import org.libvirt.jna.virError;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@link Hypervisor} on libvirt-java. The connection opens on first use, so commands that never
 * touch a domain never load libvirt. {@link LibvirtException}s become {@link KldloadException}s
 * naming the domain; libvirt's own printing to stderr is replaced by a callback that drops it (the
 * same error reaches us as the exception). Every domain, snapshot and network handle a call looks
 * up is freed when the call ends ({@link Handles}), not left to libvirt-java's finalizers.
 */
public final class LibvirtHypervisor implements Hypervisor {
  private static final int XML_INACTIVE = 2;
  private static final int UNDEFINE_MANAGED_SAVE = 1;
  private static final int UNDEFINE_SNAPSHOTS_METADATA = 2;
  private static final int UNDEFINE_NVRAM = 4;
  private static final int LIST_ALL = 0;
  private static final int LIST_MANAGED_SAVE =
      Connect.ConnectListAllDomainsFlags.CONNECT_LIST_DOMAINS_MANAGEDSAVE;

  /** Held statically: JNA must not collect a callback that native code still calls. */
  private static final Libvirt.VirErrorCallback SILENT = (Pointer data, virError error) -> {};

  private final String uri;
  private final AtomicLong handlesKept = new AtomicLong();
  private final AtomicLong handlesFreed = new AtomicLong();
  private PointerConnect connect;

  /**
   * A connection whose native pointer we can pass to calls libvirt-java does not wrap ({@code
   * virNetworkUpdate}); libvirt-java keeps it in a protected field.
   */
  private static final class PointerConnect extends Connect {
    PointerConnect(String uri) throws LibvirtException {
      super(uri, false);
    }

    ConnectionPointer pointer() {
      return vcp;
    }
  }

  /** Loaded on the first reservation change, not with the adapter. */
  private static final class NetworkUpdate {
    static final LibvirtNetworkUpdate LIBRARY = LibvirtNetworkUpdate.load();
  }

  public LibvirtHypervisor(String uri) {
    this.uri = uri;
  }

  @Override
  public String uri() {
    return uri;
  }

  private Handles handles() {
    return new Handles(handlesKept, handlesFreed);
  }

  /** How many handles the calls so far looked up and freed (equal between calls). */
  long handlesKept() {
    return handlesKept.get();
  }

  long handlesFreed() {
    return handlesFreed.get();
  }

  private synchronized PointerConnect connect() {
    if (connect == null) {
      try {
        Connect.setErrorCallback(SILENT);
        connect = new PointerConnect(uri);
      } catch (LibvirtException e) {
        throw new KldloadException(
            kind(e, ErrorKind.UNAVAILABLE),
            "cannot connect to libvirt at " + uri + ": " + message(e),
            "is libvirtd running? choose another URI with --connect or LIBVIRT_DEFAULT_URI",
            e);
      } catch (UnsatisfiedLinkError e) {
        throw new KldloadException(
            ErrorKind.PRECONDITION,
            "libvirt is not installed (libvirt.so cannot be loaded)",
            "apt-get install libvirt0",
            e);
      }
    }
    return connect;
  }

  @Override
  public List<VmDomain> domains() {
    try (Handles h = handles()) {
      // one more call for every domain's saved state, instead of one per domain
      Set<String> saved = new HashSet<>();
      for (Domain d : h.domains(connect().listAllDomains(LIST_MANAGED_SAVE))) {
        saved.add(d.getName());
      }
      List<VmDomain> out = new ArrayList<>();
      for (Domain d : h.domains(connect().listAllDomains(LIST_ALL))) {
        out.add(view(d, saved.contains(d.getName())));
      }
      out.sort(Comparator.comparing(VmDomain::name));
      return out;
    } catch (LibvirtException e) {
      throw failure("list domains", e);
    }
  }

  @Override
  public Optional<VmDomain> domain(String name) {
    try (Handles h = handles()) {
      return lookup(h, name).map(d -> call(name, "read", () -> view(d)));
    }
  }

  /** The domain, freed when {@code h} closes. */
  private Optional<Domain> lookup(Handles h, String name) {
    try {
      return Optional.of(h.domain(connect().domainLookupByName(name)));
    } catch (LibvirtException e) {
      if (e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN) {
        return Optional.empty();
      }
      throw failure("domain " + name + ": lookup failed", e);
    }
  }

  private Domain require(Handles h, String name) {
    return lookup(h, name)
        .orElseThrow(
            () ->
                KldloadException.notFound(
                    "domain " + name + " does not exist on " + uri, "see 'kvm-list'"));
  }

  private static VmDomain view(Domain d) throws LibvirtException {
    return view(d, d.hasManagedSaveImage() == 1);
  }

  private static VmDomain view(Domain d, boolean savedState) throws LibvirtException {
    DomainInfo info = d.getInfo();
    return new VmDomain(
        d.getName(),
        d.getUUIDString(),
        state(info.state),
        info.maxMem,
        info.nrVirtCpu,
        d.getXMLDesc(XML_INACTIVE),
        savedState);
  }

  @Override
  public VmDomain define(String xml) {
    Element root = Xml.parse(xml).getDocumentElement();
    String name = Xml.text(root, "name").orElse("?");
    Optional<String> uuid = Xml.text(root, "uuid");
    try (Handles h = handles()) {
      // libvirt reports a clash as a generic "operation failed"; name it a conflict ourselves
      lookup(h, name)
          .ifPresent(
              existing -> {
                String existingUuid = call(name, "read", existing::getUUIDString);
                if (uuid.isEmpty() || !uuid.get().equalsIgnoreCase(existingUuid)) {
                  throw KldloadException.conflict(
                      "domain " + name + " already exists on " + uri,
                      "choose another name, or delete it with 'kvm-delete " + name + "'");
                }
              });
      return call(name, "define", () -> view(h.domain(connect().domainDefineXML(xml))));
    }
  }

  @Override
  public void start(String name) {
    try (Handles h = handles()) {
      Domain d = require(h, name);
      if (call(name, "read", d::isActive) == 1) {
        throw KldloadException.conflict(
            "domain " + name + " is already running", "check the domain's state with 'kvm-list'");
      }
      call(name, "start", d::create);
    }
  }

  @Override
  public void suspend(String name) {
    try (Handles h = handles()) {
      Domain d = require(h, name);
      run(name, "pause", d::suspend);
    }
  }

  @Override
  public void resume(String name) {
    try (Handles h = handles()) {
      Domain d = require(h, name);
      run(name, "resume", d::resume);
    }
  }

  @Override
  public void powerOff(String name) {
    try (Handles h = handles()) {
      Domain d = require(h, name);
      run(name, "power off", d::destroy);
    }
  }

  @Override
  public void shutdown(String name) {
    try (Handles h = handles()) {
      Domain d = require(h, name);
      run(name, "shut down", d::shutdown);
    }
  }

  @Override
  public void saveState(String name) {
    try (Handles h = handles()) {
      Domain d = require(h, name);
      if (call(name, "read", d::isActive) != 1) {
        throw KldloadException.conflict(
            "domain " + name + " is not running: there is no state to save",
            "check the domain's state with 'kvm-list'");
      }
      call(name, "save state", d::managedSave);
    }
  }

  @Override
  public void discardSavedState(String name) {
    try (Handles h = handles()) {
      Domain d = require(h, name);
      if (call(name, "read", d::hasManagedSaveImage) == 1) {
        call(name, "discard saved state", d::managedSaveRemove);
      }
    }
  }

  @Override
  public void undefine(String name) {
    try (Handles h = handles()) {
      Domain d = require(h, name);
      try {
        d.undefine(UNDEFINE_MANAGED_SAVE | UNDEFINE_SNAPSHOTS_METADATA | UNDEFINE_NVRAM);
      } catch (LibvirtException e) {
        ErrorNumber code = e.getError().getCode();
        if (code != ErrorNumber.VIR_ERR_NO_SUPPORT
            && code != ErrorNumber.VIR_ERR_INVALID_ARG
            && code != ErrorNumber.VIR_ERR_ARGUMENT_UNSUPPORTED) {
          throw failure("domain " + name + ": undefine failed", e);
        }
        // drivers without NVRAM support refuse the flag; the plain call still removes the domain
        run(
            name,
            "undefine",
            () -> d.undefine(UNDEFINE_MANAGED_SAVE | UNDEFINE_SNAPSHOTS_METADATA));
      }
    }
  }

  @Override
  public List<SnapshotInfo> snapshots(String domain) {
    try (Handles h = handles()) {
      Domain d = require(h, domain);
      return call(
          domain,
          "list snapshots",
          () -> {
            List<SnapshotInfo> out = new ArrayList<>();
            for (String name : d.snapshotListNames(0)) {
              out.add(snapshotView(h.snapshot(d.snapshotLookupByName(name)).getXMLDesc()));
            }
            return ordered(out);
          });
    }
  }

  /** Oldest first; equal times (one-second resolution) ordered by the parent chain. */
  static List<SnapshotInfo> ordered(List<SnapshotInfo> snapshots) {
    Map<String, SnapshotInfo> byName = new HashMap<>();
    snapshots.forEach(s -> byName.put(s.name(), s));
    Map<String, Integer> depth = new HashMap<>();
    for (SnapshotInfo s : snapshots) {
      int n = 0;
      Optional<String> parent = s.parent();
      while (parent.isPresent() && byName.containsKey(parent.get()) && n <= snapshots.size()) {
        n++;
        parent = byName.get(parent.get()).parent();
      }
      depth.put(s.name(), n);
    }
    return snapshots.stream()
        .sorted(
            Comparator.comparing(SnapshotInfo::created)
                .thenComparing(s -> depth.get(s.name()))
                .thenComparing(SnapshotInfo::name))
        .toList();
  }

  private static SnapshotInfo snapshotView(String xml) {
    Element root = Xml.parse(xml).getDocumentElement();
    return new SnapshotInfo(
        Xml.text(root, "name").orElse(""),
        Instant.ofEpochSecond(Long.parseLong(Xml.text(root, "creationTime").orElse("0"))),
        Xml.text(root, "state").map(LibvirtHypervisor::stateName).orElse(DomainState.UNKNOWN),
        Xml.text(root, "parent/name"),
        Xml.text(root, "description").orElse(""));
  }

  @Override
  public SnapshotInfo createSnapshot(String domain, String snapshot, String description) {
    if (snapshots(domain).stream().anyMatch(s -> s.name().equals(snapshot))) {
      throw KldloadException.conflict(
          "domain " + domain + ": snapshot " + snapshot + " already exists",
          "choose another name; see 'kvm-snap " + domain + " list'");
    }
    Document doc = Xml.newDocument();
    Element root = doc.createElement("domainsnapshot");
    doc.appendChild(root);
    Xml.child(root, "name", snapshot);
    Xml.child(root, "description", description);
    String xml = Xml.write(doc);
    try (Handles h = handles()) {
      Domain d = require(h, domain);
      return call(
          domain,
          "snapshot " + snapshot,
          () -> snapshotView(h.snapshot(d.snapshotCreateXML(xml, 0)).getXMLDesc()));
    }
  }

  @Override
  public void revertToSnapshot(String domain, String snapshot) {
    try (Handles h = handles()) {
      Domain d = require(h, domain);
      call(
          domain,
          "revert to snapshot " + snapshot,
          () -> d.revertToSnapshot(h.snapshot(d.snapshotLookupByName(snapshot))));
    }
  }

  @Override
  public void deleteSnapshot(String domain, String snapshot) {
    try (Handles h = handles()) {
      Domain d = require(h, domain);
      call(
          domain,
          "delete snapshot " + snapshot,
          () -> h.snapshot(d.snapshotLookupByName(snapshot)).delete(0));
    }
  }

  @Override
  public List<NetworkInfo> networks() {
    try (Handles h = handles()) {
      Connect c = connect();
      List<NetworkInfo> out = new ArrayList<>();
      List<String> names = new ArrayList<>(List.of(c.listNetworks()));
      names.addAll(List.of(c.listDefinedNetworks()));
      for (String name : names) {
        out.add(networkView(h.network(c.networkLookupByName(name))));
      }
      out.sort(Comparator.comparing(NetworkInfo::name));
      return out;
    } catch (LibvirtException e) {
      throw failure("list networks", e);
    }
  }

  @Override
  public Optional<NetworkInfo> network(String name) {
    try (Handles h = handles()) {
      return lookupNetwork(h, name).map(n -> networkCall(name, "read", () -> networkView(n)));
    }
  }

  private static NetworkInfo networkView(Network n) throws LibvirtException {
    // the running definition: the test driver refuses VIR_NETWORK_XML_INACTIVE, and a network
    // only differs from its persistent XML after a live update, which we never make
    String xml = n.getXMLDesc(0);
    Element root = Xml.parse(xml).getDocumentElement();
    Optional<String> bridge = Xml.path(root, "bridge").flatMap(b -> Xml.attr(b, "name"));
    return new NetworkInfo(n.getName(), n.isActive() == 1, n.getAutostart(), bridge, xml);
  }

  /** The network, freed when {@code h} closes. */
  private Optional<Network> lookupNetwork(Handles h, String name) {
    try {
      return Optional.of(h.network(connect().networkLookupByName(name)));
    } catch (LibvirtException e) {
      if (e.getError().getCode() == ErrorNumber.VIR_ERR_NO_NETWORK) {
        return Optional.empty();
      }
      throw failure("network " + name + ": lookup failed", e);
    }
  }

  private Network requireNetwork(Handles h, String name) {
    return lookupNetwork(h, name)
        .orElseThrow(
            () ->
                KldloadException.notFound(
                    "network " + name + " does not exist on " + uri, "see 'virsh net-list --all'"));
  }

  @Override
  public NetworkInfo defineNetwork(String xml) {
    Element root = Xml.parse(xml).getDocumentElement();
    String name = Xml.text(root, "name").orElse("?");
    try (Handles h = handles()) {
      if (lookupNetwork(h, name).isPresent()) {
        throw KldloadException.conflict(
            "network " + name + " already exists on " + uri,
            "it is left as it is; compare it with 'virsh net-dumpxml " + name + "'");
      }
      return networkCall(
          name, "define", () -> networkView(h.network(connect().networkDefineXML(xml))));
    }
  }

  @Override
  public void startNetwork(String name) {
    try (Handles h = handles()) {
      Network n = requireNetwork(h, name);
      if (networkCall(name, "read", n::isActive) == 1) {
        throw KldloadException.conflict(
            "network " + name + " is already active", "see 'virsh net-list --all'");
      }
      networkCall(
          name,
          "start",
          () -> {
            n.create();
            return null;
          });
    }
  }

  @Override
  public void setNetworkAutostart(String name, boolean autostart) {
    try (Handles h = handles()) {
      Network n = requireNetwork(h, name);
      networkCall(
          name,
          "set autostart",
          () -> {
            n.setAutostart(autostart);
            return null;
          });
    }
  }

  private <T> T networkCall(String network, String action, LibvirtCall<T> body) {
    try {
      return body.run();
    } catch (LibvirtException e) {
      throw failure("network " + network + ": " + action + " failed", e);
    }
  }

  @Override
  public List<GuestAddress> addresses(String domain, AddressSource source) {
    try (Handles h = handles()) {
      Domain d = require(h, domain);
      List<GuestAddress> out = new ArrayList<>();
      for (DomainInterface iface : d.interfaceAddresses(source.code(), 0)) {
        for (DomainInterface.InterfaceAddress a : iface.addrs) {
          out.add(
              new GuestAddress(
                  iface.name, iface.hwAddr, a.address.getHostAddress(), a.prefixLength));
        }
      }
      return out;
    } catch (LibvirtException e) {
      ErrorNumber code = e.getError().getCode();
      // no lease yet, or no agent answering yet: not a failure while waiting
      if (code == ErrorNumber.VIR_ERR_AGENT_UNRESPONSIVE
          || code == ErrorNumber.VIR_ERR_OPERATION_INVALID) {
        return List.of();
      }
      throw failure("domain " + domain + ": reading addresses failed", e);
    }
  }

  @Override
  public List<DhcpHost> dhcpHosts(String network) {
    try (Handles h = handles()) {
      Network n = requireNetwork(h, network);
      // the running definition when active (the test driver refuses VIR_NETWORK_XML_INACTIVE);
      // addDhcpHost and removeDhcpHost keep it and the persistent one alike
      return networkCall(network, "read", () -> DhcpHost.inNetwork(n.getXMLDesc(0)));
    }
  }

  @Override
  public void addDhcpHost(String network, DhcpHost host) {
    // libvirt refuses a clash too, as a generic "operation failed": name the holder ourselves
    for (DhcpHost held : dhcpHosts(network)) {
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
            "see 'virsh net-dumpxml " + network + "'");
      }
    }
    updateDhcpHost(
        network, LibvirtNetworkUpdate.VIR_NETWORK_UPDATE_COMMAND_ADD_LAST, host, "reserve");
  }

  @Override
  public void removeDhcpHost(String network, DhcpHost host) {
    if (dhcpHosts(network).contains(host)) {
      updateDhcpHost(
          network,
          LibvirtNetworkUpdate.VIR_NETWORK_UPDATE_COMMAND_DELETE,
          host,
          "drop the reservation");
    }
  }

  private void updateDhcpHost(String network, int command, DhcpHost host, String action) {
    String what = "network " + network + ": " + action + " " + host.display();
    try (Handles h = handles()) {
      Network n = requireNetwork(h, network);
      int flags =
          networkCall(
              network,
              "read",
              () ->
                  (n.isActive() == 1 ? LibvirtNetworkUpdate.VIR_NETWORK_UPDATE_AFFECT_LIVE : 0)
                      | (n.isPersistent() == 1
                          ? LibvirtNetworkUpdate.VIR_NETWORK_UPDATE_AFFECT_CONFIG
                          : 0));
      NetworkPointer pointer =
          Libvirt.INSTANCE.virNetworkLookupByName(connect().pointer(), network);
      if (pointer == null) {
        throw lastError(what + " failed");
      }
      h.keep(pointer, Libvirt.INSTANCE::virNetworkFree);
      int rc =
          NetworkUpdate.LIBRARY.virNetworkUpdate(
              pointer,
              command,
              LibvirtNetworkUpdate.VIR_NETWORK_SECTION_IP_DHCP_HOST,
              -1,
              host.xml(),
              flags);
      if (rc < 0) {
        throw lastError(what + " failed");
      }
    }
  }

  /** The calling thread's last libvirt error, for a call made through our own binding. */
  private static KldloadException lastError(String what) {
    org.libvirt.jna.virError raw = new org.libvirt.jna.virError();
    if (Libvirt.INSTANCE.virCopyLastError(raw) <= 0) {
      return new KldloadException(ErrorKind.FAILED, what + ": unknown libvirt error", null);
    }
    try {
      Error error = new Error(raw);
      String text = error.getMessage() == null ? "unknown libvirt error" : error.getMessage();
      return new KldloadException(
          kind(error, ErrorKind.FAILED), what + ": " + text.lines().findFirst().orElse(text), null);
    } finally {
      Libvirt.INSTANCE.virResetError(raw);
    }
  }

  @Override
  public synchronized void close() {
    if (connect != null) {
      try {
        connect.close();
      } catch (LibvirtException e) {
        // closing a connection we are done with; nothing to recover
      }
      connect = null;
    }
  }

  /** A libvirt call that may fail. */
  private interface LibvirtCall<T> {
    T run() throws LibvirtException;
  }

  /** A libvirt action without a result. */
  private interface LibvirtAction {
    void run() throws LibvirtException;
  }

  private void run(String domain, String action, LibvirtAction body) {
    call(
        domain,
        action,
        () -> {
          body.run();
          return null;
        });
  }

  private <T> T call(String domain, String action, LibvirtCall<T> body) {
    try {
      return body.run();
    } catch (LibvirtException e) {
      throw failure("domain " + domain + ": " + action + " failed", e);
    }
  }

  private KldloadException failure(String what, LibvirtException e) {
    return new KldloadException(kind(e, ErrorKind.FAILED), what + ": " + message(e), hint(e), e);
  }

  static String message(LibvirtException e) {
    String text = e.getError() == null ? e.getMessage() : e.getError().getMessage();
    return text == null ? "unknown libvirt error" : text.lines().findFirst().orElse(text);
  }

  static ErrorKind kind(LibvirtException e, ErrorKind fallback) {
    return e.getError() == null ? fallback : kind(e.getError(), fallback);
  }

  private static ErrorKind kind(Error error, ErrorKind fallback) {
    if (error.getCode() == null) {
      return fallback;
    }
    return switch (error.getCode()) {
      case VIR_ERR_NO_DOMAIN,
          VIR_ERR_NO_DOMAIN_SNAPSHOT,
          VIR_ERR_NO_NETWORK,
          VIR_ERR_NO_STORAGE_VOL ->
          ErrorKind.NOT_FOUND;
      case VIR_ERR_OPERATION_INVALID, VIR_ERR_DOM_EXIST, VIR_ERR_NETWORK_EXIST ->
          ErrorKind.CONFLICT;
      case VIR_ERR_AUTH_FAILED,
          VIR_ERR_AUTH_CANCELLED,
          VIR_ERR_ACCESS_DENIED,
          VIR_ERR_OPERATION_DENIED ->
          ErrorKind.PERMISSION;
      case VIR_ERR_NO_CONNECT, VIR_ERR_SYSTEM_ERROR, VIR_ERR_RPC, VIR_ERR_AGENT_UNRESPONSIVE ->
          ErrorKind.UNAVAILABLE;
      case VIR_ERR_OPERATION_TIMEOUT -> ErrorKind.TIMEOUT;
      default -> fallback;
    };
  }

  private static String hint(LibvirtException e) {
    if (e.getError() == null || e.getError().getCode() == null) {
      return null;
    }
    return switch (e.getError().getCode()) {
      case VIR_ERR_OPERATION_INVALID -> "check the domain's state with 'kvm-list'";
      case VIR_ERR_AUTH_FAILED, VIR_ERR_ACCESS_DENIED, VIR_ERR_OPERATION_DENIED ->
          "run as root or as a member of group libvirt";
      case VIR_ERR_XML_ERROR, VIR_ERR_XML_DETAIL, VIR_ERR_CONFIG_UNSUPPORTED ->
          "the definition was refused; run with --dry-run to inspect it";
      default -> null;
    };
  }

  static DomainState state(DomainInfo.DomainState state) {
    return switch (state) {
      case VIR_DOMAIN_RUNNING -> DomainState.RUNNING;
      case VIR_DOMAIN_BLOCKED -> DomainState.BLOCKED;
      case VIR_DOMAIN_PAUSED -> DomainState.PAUSED;
      case VIR_DOMAIN_SHUTDOWN -> DomainState.SHUTTING_DOWN;
      case VIR_DOMAIN_SHUTOFF -> DomainState.SHUT_OFF;
      case VIR_DOMAIN_CRASHED -> DomainState.CRASHED;
      case VIR_DOMAIN_PMSUSPENDED -> DomainState.PM_SUSPENDED;
      default -> DomainState.UNKNOWN;
    };
  }

  /** Snapshot XML writes the state as text ({@code running}, {@code shutoff}). */
  static DomainState stateName(String text) {
    return switch (text) {
      case "running" -> DomainState.RUNNING;
      case "blocked" -> DomainState.BLOCKED;
      case "paused" -> DomainState.PAUSED;
      case "shutdown" -> DomainState.SHUTTING_DOWN;
      case "shutoff", "disk-snapshot" -> DomainState.SHUT_OFF;
      case "crashed" -> DomainState.CRASHED;
      case "pmsuspended" -> DomainState.PM_SUSPENDED;
      default -> DomainState.UNKNOWN;
    };
  }
}
