package dev.kldload.kvm.libvirt;

import static dev.kldload.kvm.libvirt.LibvirtException.check;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
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
import dev.kldload.kvm.libvirt.jna.Libvirt;
import dev.kldload.kvm.libvirt.jna.LibvirtError;
import dev.kldload.kvm.libvirt.jna.LibvirtNetworks;
import dev.kldload.kvm.libvirt.jna.LibvirtSnapshots;
import dev.kldload.kvm.xml.Xml;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
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
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@link Hypervisor} on libvirt, through our own binding ({@link Libvirt}). The connection opens on
 * first use, so commands that never touch a domain never load libvirt. A failed call's error (the
 * thread's last libvirt error) becomes a {@link KldloadException} naming the domain; libvirt's own
 * printing to stderr is replaced by a callback that drops it (the same error reaches us from the
 * call). Every domain, snapshot and network handle a call looks up is freed when the call ends
 * ({@link Handles}); every string libvirt hands over is freed when read.
 */
public final class LibvirtHypervisor implements Hypervisor {
  private static final int LIST_ALL = 0;

  /** Drops libvirt's report of an error: the failed call returns it to us. */
  private static final class Silent implements Libvirt.ErrorFunc {
    @Override
    public void invoke(Pointer userData, Pointer error) {
      // the caller reads the same error from virGetLastError
    }
  }

  /** Held statically: JNA must not collect a callback that native code still calls. */
  private static final Libvirt.ErrorFunc SILENT = new Silent();

  private final String uri;
  private final AtomicLong handlesKept = new AtomicLong();
  private final AtomicLong handlesFreed = new AtomicLong();
  private Pointer connect;

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

  private synchronized Pointer connect() {
    if (connect == null) {
      try {
        Libvirt.virSetErrorFunc(null, SILENT);
        // read-write, without credential callbacks: URIs that need a password fail here
        connect = check(Libvirt.virConnectOpenAuth(uri, null, 0));
      } catch (LibvirtException e) {
        throw new KldloadException(
            kind(e, ErrorKind.UNAVAILABLE),
            "cannot connect to libvirt at " + uri + ": " + message(e),
            "is libvirtd running? choose another URI with --connect or LIBVIRT_DEFAULT_URI",
            e);
      } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
        // the binding's initialiser failed to load libvirt.so: the first use sees the link error,
        // later ones the class that could not initialise
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
      Pointer conn = connect();
      // one more call for every domain's saved state, instead of one per domain
      Set<String> saved = new HashSet<>();
      for (Pointer d : h.domains(listAllDomains(conn, Libvirt.LIST_DOMAINS_MANAGEDSAVE))) {
        saved.add(name(d));
      }
      List<VmDomain> out = new ArrayList<>();
      for (Pointer d : h.domains(listAllDomains(conn, LIST_ALL))) {
        String name = name(d);
        out.add(view(d, name, saved.contains(name)));
      }
      out.sort(Comparator.comparing(VmDomain::name));
      return out;
    } catch (LibvirtException e) {
      throw failure("list domains", e);
    }
  }

  private static Pointer[] listAllDomains(Pointer conn, int flags) throws LibvirtException {
    PointerByReference array = new PointerByReference();
    return Libvirt.handles(array, check(Libvirt.virConnectListAllDomains(conn, array, flags)));
  }

  @Override
  public Optional<VmDomain> domain(String name) {
    try (Handles h = handles()) {
      return lookup(h, name).map(d -> call(name, "read", () -> view(d)));
    }
  }

  /** The domain, freed when {@code h} closes. */
  private Optional<Pointer> lookup(Handles h, String name) {
    Pointer conn = connect();
    try {
      return Optional.of(h.domain(check(Libvirt.virDomainLookupByName(conn, name))));
    } catch (LibvirtException e) {
      if (e.code() == LibvirtError.NO_DOMAIN) {
        return Optional.empty();
      }
      throw failure("domain " + name + ": lookup failed", e);
    }
  }

  private Pointer require(Handles h, String name) {
    return lookup(h, name)
        .orElseThrow(
            () ->
                KldloadException.notFound(
                    "domain " + name + " does not exist on " + uri, "see 'kvm-list'"));
  }

  private static String name(Pointer d) throws LibvirtException {
    return check(Libvirt.virDomainGetName(d));
  }

  private static String uuid(Pointer d) throws LibvirtException {
    byte[] buf = new byte[Libvirt.UUID_STRING_BUFLEN];
    check(Libvirt.virDomainGetUUIDString(d, buf));
    return Native.toString(buf, StandardCharsets.US_ASCII);
  }

  /** A {@code char *} libvirt handed over: read, then freed; null (failure) raises the error. */
  private static String owned(Pointer text) throws LibvirtException {
    return check(Libvirt.string(text));
  }

  private static VmDomain view(Pointer d) throws LibvirtException {
    return view(d, name(d), check(Libvirt.virDomainHasManagedSaveImage(d, 0)) == 1);
  }

  private static VmDomain view(Pointer d, String name, boolean savedState) throws LibvirtException {
    try (Memory info = new Memory(Libvirt.DomainInfo.SIZE)) {
      check(Libvirt.virDomainGetInfo(d, info));
      return new VmDomain(
          name,
          uuid(d),
          state(Libvirt.DomainInfo.state(info)),
          Libvirt.DomainInfo.maxMemKib(info),
          Libvirt.DomainInfo.vcpus(info),
          owned(Libvirt.virDomainGetXMLDesc(d, Libvirt.DOMAIN_XML_INACTIVE)),
          savedState);
    }
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
                String existingUuid = call(name, "read", () -> uuid(existing));
                if (uuid.isEmpty() || !uuid.get().equalsIgnoreCase(existingUuid)) {
                  throw KldloadException.conflict(
                      "domain " + name + " already exists on " + uri,
                      "choose another name, or delete it with 'kvm-delete " + name + "'");
                }
              });
      Pointer conn = connect();
      return call(
          name, "define", () -> view(h.domain(check(Libvirt.virDomainDefineXML(conn, xml)))));
    }
  }

  @Override
  public void start(String name) {
    try (Handles h = handles()) {
      Pointer d = require(h, name);
      if (call(name, "read", () -> check(Libvirt.virDomainIsActive(d))) == 1) {
        throw KldloadException.conflict(
            "domain " + name + " is already running", "check the domain's state with 'kvm-list'");
      }
      call(name, "start", () -> check(Libvirt.virDomainCreate(d)));
    }
  }

  @Override
  public void suspend(String name) {
    try (Handles h = handles()) {
      Pointer d = require(h, name);
      call(name, "pause", () -> check(Libvirt.virDomainSuspend(d)));
    }
  }

  @Override
  public void resume(String name) {
    try (Handles h = handles()) {
      Pointer d = require(h, name);
      call(name, "resume", () -> check(Libvirt.virDomainResume(d)));
    }
  }

  @Override
  public void powerOff(String name) {
    try (Handles h = handles()) {
      Pointer d = require(h, name);
      call(name, "power off", () -> check(Libvirt.virDomainDestroy(d)));
    }
  }

  @Override
  public void shutdown(String name) {
    try (Handles h = handles()) {
      Pointer d = require(h, name);
      call(name, "shut down", () -> check(Libvirt.virDomainShutdown(d)));
    }
  }

  @Override
  public void saveState(String name) {
    try (Handles h = handles()) {
      Pointer d = require(h, name);
      if (call(name, "read", () -> check(Libvirt.virDomainIsActive(d))) != 1) {
        throw KldloadException.conflict(
            "domain " + name + " is not running: there is no state to save",
            "check the domain's state with 'kvm-list'");
      }
      call(name, "save state", () -> check(Libvirt.virDomainManagedSave(d, 0)));
    }
  }

  @Override
  public void discardSavedState(String name) {
    try (Handles h = handles()) {
      Pointer d = require(h, name);
      if (call(name, "read", () -> check(Libvirt.virDomainHasManagedSaveImage(d, 0))) == 1) {
        call(name, "discard saved state", () -> check(Libvirt.virDomainManagedSaveRemove(d, 0)));
      }
    }
  }

  @Override
  public void undefine(String name) {
    try (Handles h = handles()) {
      Pointer d = require(h, name);
      try {
        check(
            Libvirt.virDomainUndefineFlags(
                d,
                Libvirt.UNDEFINE_MANAGED_SAVE
                    | Libvirt.UNDEFINE_SNAPSHOTS_METADATA
                    | Libvirt.UNDEFINE_NVRAM));
      } catch (LibvirtException e) {
        int code = e.code();
        if (code != LibvirtError.NO_SUPPORT
            && code != LibvirtError.INVALID_ARG
            && code != LibvirtError.ARGUMENT_UNSUPPORTED) {
          throw failure("domain " + name + ": undefine failed", e);
        }
        // drivers without NVRAM support refuse the flag; the plain call still removes the domain
        call(
            name,
            "undefine",
            () ->
                check(
                    Libvirt.virDomainUndefineFlags(
                        d, Libvirt.UNDEFINE_MANAGED_SAVE | Libvirt.UNDEFINE_SNAPSHOTS_METADATA)));
      }
    }
  }

  @Override
  public List<SnapshotInfo> snapshots(String domain) {
    try (Handles h = handles()) {
      Pointer d = require(h, domain);
      return call(
          domain,
          "list snapshots",
          () -> {
            PointerByReference array = new PointerByReference();
            int count = check(LibvirtSnapshots.virDomainListAllSnapshots(d, array, 0));
            List<SnapshotInfo> out = new ArrayList<>();
            for (Pointer s : h.snapshots(Libvirt.handles(array, count))) {
              out.add(snapshotView(owned(LibvirtSnapshots.virDomainSnapshotGetXMLDesc(s, 0))));
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
      Pointer d = require(h, domain);
      return call(
          domain,
          "snapshot " + snapshot,
          () ->
              snapshotView(
                  owned(
                      LibvirtSnapshots.virDomainSnapshotGetXMLDesc(
                          h.snapshot(check(LibvirtSnapshots.virDomainSnapshotCreateXML(d, xml, 0))),
                          0))));
    }
  }

  @Override
  public void revertToSnapshot(String domain, String snapshot) {
    try (Handles h = handles()) {
      Pointer d = require(h, domain);
      call(
          domain,
          "revert to snapshot " + snapshot,
          () -> check(LibvirtSnapshots.virDomainRevertToSnapshot(snapshot(h, d, snapshot), 0)));
    }
  }

  @Override
  public void deleteSnapshot(String domain, String snapshot) {
    try (Handles h = handles()) {
      Pointer d = require(h, domain);
      call(
          domain,
          "delete snapshot " + snapshot,
          () -> check(LibvirtSnapshots.virDomainSnapshotDelete(snapshot(h, d, snapshot), 0)));
    }
  }

  /** The snapshot of {@code d}, freed when {@code h} closes. */
  private static Pointer snapshot(Handles h, Pointer d, String name) throws LibvirtException {
    return h.snapshot(check(LibvirtSnapshots.virDomainSnapshotLookupByName(d, name, 0)));
  }

  @Override
  public List<NetworkInfo> networks() {
    try (Handles h = handles()) {
      Pointer conn = connect();
      // active and inactive alike
      PointerByReference array = new PointerByReference();
      int count = check(LibvirtNetworks.virConnectListAllNetworks(conn, array, 0));
      List<NetworkInfo> out = new ArrayList<>();
      for (Pointer n : h.networks(Libvirt.handles(array, count))) {
        out.add(networkView(n));
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

  private static NetworkInfo networkView(Pointer n) throws LibvirtException {
    // the running definition: the test driver refuses VIR_NETWORK_XML_INACTIVE, and a network
    // only differs from its persistent XML after a live update, which we never make
    String xml = owned(LibvirtNetworks.virNetworkGetXMLDesc(n, 0));
    Element root = Xml.parse(xml).getDocumentElement();
    Optional<String> bridge = Xml.path(root, "bridge").flatMap(b -> Xml.attr(b, "name"));
    int[] autostart = new int[1];
    check(LibvirtNetworks.virNetworkGetAutostart(n, autostart));
    return new NetworkInfo(
        check(LibvirtNetworks.virNetworkGetName(n)),
        check(LibvirtNetworks.virNetworkIsActive(n)) == 1,
        autostart[0] != 0,
        bridge,
        xml);
  }

  /** The network, freed when {@code h} closes. */
  private Optional<Pointer> lookupNetwork(Handles h, String name) {
    Pointer conn = connect();
    try {
      return Optional.of(h.network(check(LibvirtNetworks.virNetworkLookupByName(conn, name))));
    } catch (LibvirtException e) {
      if (e.code() == LibvirtError.NO_NETWORK) {
        return Optional.empty();
      }
      throw failure("network " + name + ": lookup failed", e);
    }
  }

  private Pointer requireNetwork(Handles h, String name) {
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
      Pointer conn = connect();
      return networkCall(
          name,
          "define",
          () -> networkView(h.network(check(LibvirtNetworks.virNetworkDefineXML(conn, xml)))));
    }
  }

  @Override
  public void startNetwork(String name) {
    try (Handles h = handles()) {
      Pointer n = requireNetwork(h, name);
      if (networkCall(name, "read", () -> check(LibvirtNetworks.virNetworkIsActive(n))) == 1) {
        throw KldloadException.conflict(
            "network " + name + " is already active", "see 'virsh net-list --all'");
      }
      networkCall(name, "start", () -> check(LibvirtNetworks.virNetworkCreate(n)));
    }
  }

  @Override
  public void setNetworkAutostart(String name, boolean autostart) {
    try (Handles h = handles()) {
      Pointer n = requireNetwork(h, name);
      networkCall(
          name,
          "set autostart",
          () -> check(LibvirtNetworks.virNetworkSetAutostart(n, autostart ? 1 : 0)));
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
      Pointer d = require(h, domain);
      PointerByReference array = new PointerByReference();
      int count = check(Libvirt.virDomainInterfaceAddresses(d, array, source.code(), 0));
      Pointer[] ifaces = Libvirt.handles(array, count);
      try {
        List<GuestAddress> out = new ArrayList<>();
        for (Pointer iface : ifaces) {
          String name = Libvirt.DomainInterfaces.name(iface);
          String hwaddr = Libvirt.DomainInterfaces.hwaddr(iface);
          for (int i = 0; i < Libvirt.DomainInterfaces.naddrs(iface); i++) {
            Pointer a = Libvirt.DomainInterfaces.addr(iface, i);
            out.add(
                new GuestAddress(
                    name,
                    hwaddr,
                    hostAddress(domain, Libvirt.DomainInterfaces.address(a)),
                    Libvirt.DomainInterfaces.prefix(a)));
          }
        }
        return out;
      } finally {
        for (Pointer iface : ifaces) {
          Libvirt.virDomainInterfaceFree(iface);
        }
      }
    } catch (LibvirtException e) {
      int code = e.code();
      // no lease yet, or no agent answering yet: not a failure while waiting
      if (code == LibvirtError.AGENT_UNRESPONSIVE || code == LibvirtError.OPERATION_INVALID) {
        return List.of();
      }
      throw failure("domain " + domain + ": reading addresses failed", e);
    }
  }

  /** The address in Java's canonical text (IPv6 uncompressed), as the port has always shown it. */
  private static String hostAddress(String domain, String address) {
    try {
      return InetAddress.getByName(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new KldloadException(
          ErrorKind.FAILED,
          "domain " + domain + ": reading addresses failed: invalid IP address '" + address + "'",
          null,
          e);
    }
  }

  @Override
  public List<DhcpHost> dhcpHosts(String network) {
    try (Handles h = handles()) {
      Pointer n = requireNetwork(h, network);
      // the running definition when active (the test driver refuses VIR_NETWORK_XML_INACTIVE);
      // addDhcpHost and removeDhcpHost keep it and the persistent one alike
      return networkCall(
          network,
          "read",
          () -> DhcpHost.inNetwork(owned(LibvirtNetworks.virNetworkGetXMLDesc(n, 0))));
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
    updateDhcpHost(network, LibvirtNetworks.UPDATE_COMMAND_ADD_LAST, host, "reserve");
  }

  @Override
  public void removeDhcpHost(String network, DhcpHost host) {
    if (dhcpHosts(network).contains(host)) {
      updateDhcpHost(network, LibvirtNetworks.UPDATE_COMMAND_DELETE, host, "drop the reservation");
    }
  }

  private void updateDhcpHost(String network, int command, DhcpHost host, String action) {
    String what = "network " + network + ": " + action + " " + host.display();
    try (Handles h = handles()) {
      Pointer n = requireNetwork(h, network);
      int flags =
          networkCall(
              network,
              "read",
              () ->
                  (check(LibvirtNetworks.virNetworkIsActive(n)) == 1
                          ? LibvirtNetworks.UPDATE_AFFECT_LIVE
                          : 0)
                      | (check(LibvirtNetworks.virNetworkIsPersistent(n)) == 1
                          ? LibvirtNetworks.UPDATE_AFFECT_CONFIG
                          : 0));
      try {
        check(
            LibvirtNetworks.virNetworkUpdate(
                n, command, LibvirtNetworks.SECTION_IP_DHCP_HOST, -1, host.xml(), flags));
      } catch (LibvirtException e) {
        throw new KldloadException(
            kind(e, ErrorKind.FAILED), what + " failed: " + message(e), null);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (connect != null) {
      // closing a connection we are done with: a failure leaves nothing to recover
      Libvirt.virConnectClose(connect);
      connect = null;
    }
  }

  /** A libvirt call that may fail. */
  private interface LibvirtCall<T> {
    T run() throws LibvirtException;
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
    String text = e.error().map(LibvirtError::message).orElse(null);
    return text == null ? "unknown libvirt error" : text.lines().findFirst().orElse(text);
  }

  static ErrorKind kind(LibvirtException e, ErrorKind fallback) {
    return switch (e.code()) {
      case LibvirtError.NO_DOMAIN,
          LibvirtError.NO_DOMAIN_SNAPSHOT,
          LibvirtError.NO_NETWORK,
          LibvirtError.NO_STORAGE_VOL ->
          ErrorKind.NOT_FOUND;
      case LibvirtError.OPERATION_INVALID, LibvirtError.DOM_EXIST, LibvirtError.NETWORK_EXIST ->
          ErrorKind.CONFLICT;
      case LibvirtError.AUTH_FAILED,
          LibvirtError.AUTH_CANCELLED,
          LibvirtError.ACCESS_DENIED,
          LibvirtError.OPERATION_DENIED ->
          ErrorKind.PERMISSION;
      case LibvirtError.NO_CONNECT,
          LibvirtError.SYSTEM_ERROR,
          LibvirtError.RPC,
          LibvirtError.AGENT_UNRESPONSIVE ->
          ErrorKind.UNAVAILABLE;
      case LibvirtError.OPERATION_TIMEOUT -> ErrorKind.TIMEOUT;
      default -> fallback;
    };
  }

  private static String hint(LibvirtException e) {
    return switch (e.code()) {
      case LibvirtError.OPERATION_INVALID -> "check the domain's state with 'kvm-list'";
      case LibvirtError.AUTH_FAILED, LibvirtError.ACCESS_DENIED, LibvirtError.OPERATION_DENIED ->
          "run as root or as a member of group libvirt";
      case LibvirtError.XML_ERROR, LibvirtError.XML_DETAIL, LibvirtError.CONFIG_UNSUPPORTED ->
          "the definition was refused; run with --dry-run to inspect it";
      default -> null;
    };
  }

  /** {@code virDomainState}. */
  static DomainState state(int state) {
    return switch (state) {
      case 1 -> DomainState.RUNNING;
      case 2 -> DomainState.BLOCKED;
      case 3 -> DomainState.PAUSED;
      case 4 -> DomainState.SHUTTING_DOWN;
      case 5 -> DomainState.SHUT_OFF;
      case 6 -> DomainState.CRASHED;
      case 7 -> DomainState.PM_SUSPENDED;
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
