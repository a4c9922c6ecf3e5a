package dev.kldload.kube.orchestrator;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Step;
import dev.kldload.core.value.Cidr;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.NetworkInfo;
import dev.kldload.kvm.xml.Xml;
import dev.kldload.net.NetworkPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The libvirt network the nodes live on (spec §3.3): name {@code default}, NAT, the plan's bridge
 * ({@code net.libvirt-bridge}), the host at {@code .1} of {@code net.libvirt-network}, DHCP from
 * {@code .2} to {@code .254}. It is defined only when missing; one that exists is never redefined,
 * and settings of its that differ from the plan are {@link #check() findings}, not edits. Autostart
 * and start are applied to a network that matches the plan.
 *
 * <p>Not done here (host side, outside the {@code Hypervisor} port): starting {@code
 * virtnetworkd}/{@code libvirtd} and waiting for the bridge's admin UP flag.
 */
public final class DefaultNetwork {
  public static final String NAME = "default";

  private final Hypervisor hypervisor;
  private final NetworkPlan plan;
  private final String name;

  public DefaultNetwork(Hypervisor hypervisor, NetworkPlan plan) {
    this(hypervisor, plan, NAME);
  }

  /** Under another name: tests on libvirt's shared test driver, which has its own default. */
  DefaultNetwork(Hypervisor hypervisor, NetworkPlan plan, String name) {
    this.hypervisor = hypervisor;
    this.plan = plan;
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** The definition made when the network is missing. */
  public String xml() {
    Cidr net = plan.libvirtNetwork();
    if (!net.isIpv4() || net.prefixLength() > 24 || net.prefixLength() < 8) {
      throw KldloadException.invalid(
          "net.libvirt-network " + net + " cannot hold a DHCP range .2-.254",
          "give an IPv4 network of /24 or wider");
    }
    Document doc = Xml.newDocument();
    Element root = doc.createElement("network");
    doc.appendChild(root);
    Xml.child(root, "name", name);
    Xml.attrs(Xml.child(root, "forward"), "mode", "nat");
    Xml.attrs(Xml.child(root, "bridge"), "name", plan.libvirtBridge(), "stp", "on", "delay", "0");
    Element ip =
        Xml.attrs(
            Xml.child(root, "ip"),
            "address",
            plan.hostBridgeAddress().getHostAddress(),
            "netmask",
            netmask(net.prefixLength()));
    Xml.attrs(
        Xml.child(Xml.child(ip, "dhcp"), "range"),
        "start",
        net.host(2).getHostAddress(),
        "end",
        net.host(254).getHostAddress());
    return Xml.write(doc);
  }

  /**
   * How the existing network differs from the plan; empty when it matches or does not exist. A
   * different address or bridge is a refusal (the nodes' addresses and the host's WireGuard
   * endpoint come from the plan); no NAT or another DHCP range is a warning.
   */
  public List<Admission.Finding> check() {
    return hypervisor.network(name).map(this::differences).orElse(List.of());
  }

  private List<Admission.Finding> differences(NetworkInfo network) {
    List<Admission.Finding> out = new ArrayList<>();
    Element root = Xml.parse(network.xml()).getDocumentElement();
    String hint =
        "set net.libvirt-network and net.libvirt-bridge to match it, or change the network with"
            + " 'virsh net-edit "
            + name
            + "'";
    String bridge = network.bridge().orElse("(none)");
    if (!bridge.equals(plan.libvirtBridge())) {
      out.add(
          new Admission.Finding(
              ErrorKind.PRECONDITION,
              "libvirt network "
                  + name
                  + " uses bridge "
                  + bridge
                  + ", not "
                  + plan.libvirtBridge(),
              hint));
    }
    Optional<Element> ip =
        Xml.children(root, "ip").stream()
            .filter(e -> !Xml.attr(e, "family").orElse("ipv4").equals("ipv6"))
            .findFirst();
    String want =
        plan.hostBridgeAddress().getHostAddress() + "/" + plan.libvirtNetwork().prefixLength();
    Optional<String> have = ip.flatMap(DefaultNetwork::addressOf);
    if (!have.equals(Optional.of(want))) {
      out.add(
          new Admission.Finding(
              ErrorKind.PRECONDITION,
              "libvirt network " + name + " has address " + have.orElse("(none)") + ", not " + want,
              hint));
    }
    String mode =
        Xml.first(root, "forward").map(f -> Xml.attr(f, "mode").orElse("nat")).orElse("none");
    if (!mode.equals("nat")) {
      out.add(
          new Admission.Finding(
              ErrorKind.DEGRADED,
              "libvirt network " + name + " forwards by '" + mode + "', not NAT",
              "nodes may not reach outside the host; see 'virsh net-dumpxml " + name + "'"));
    }
    Cidr net = plan.libvirtNetwork();
    String wantRange = net.host(2).getHostAddress() + "-" + net.host(254).getHostAddress();
    String haveRange =
        ip.flatMap(e -> Xml.path(e, "dhcp/range"))
            .map(r -> Xml.attr(r, "start").orElse("?") + "-" + Xml.attr(r, "end").orElse("?"))
            .orElse("(none)");
    if (!haveRange.equals(wantRange)) {
      out.add(
          new Admission.Finding(
              ErrorKind.DEGRADED,
              "libvirt network " + name + " hands out " + haveRange + ", not " + wantRange,
              "nodes get their addresses by DHCP from this range"));
    }
    return out;
  }

  /** {@code a.b.c.d/prefix} from {@code address} and {@code prefix} or {@code netmask}. */
  private static Optional<String> addressOf(Element ip) {
    Optional<String> address = Xml.attr(ip, "address");
    Optional<Integer> prefix =
        Xml.attr(ip, "prefix")
            .map(Integer::parseInt)
            .or(() -> Xml.attr(ip, "netmask").map(DefaultNetwork::prefixOf));
    return address.flatMap(a -> prefix.map(p -> a + "/" + p));
  }

  static int prefixOf(String netmask) {
    byte[] bytes = Cidr.parseAddress(netmask).getAddress();
    int bits = 0;
    for (byte b : bytes) {
      bits += Integer.bitCount(b & 0xff);
    }
    return bits;
  }

  static String netmask(int prefix) {
    long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    return ((mask >> 24) & 0xff)
        + "."
        + ((mask >> 16) & 0xff)
        + "."
        + ((mask >> 8) & 0xff)
        + "."
        + (mask & 0xff);
  }

  /**
   * Define when missing, then autostart, then start: each done when the network shows it. Steps
   * that would touch an existing network refuse (exit 6) when its address or bridge differ from the
   * plan, naming every difference.
   */
  public List<Step> steps() {
    String define = "network-define";
    String autostart = "network-autostart";
    String start = "network-start";
    return List.of(
        Step.named(define)
            .description("define libvirt network " + name + " (" + plan.libvirtNetwork() + ")")
            .creates("network " + name)
            .doneWhen(c -> hypervisor.network(name).isPresent())
            .apply(c -> hypervisor.defineNetwork(xml())),
        Step.named(autostart)
            .description("start libvirt network " + name + " with the host")
            .after(define)
            .doneWhen(c -> hypervisor.network(name).map(NetworkInfo::autostart).orElse(false))
            .apply(
                c -> {
                  requireMatch();
                  hypervisor.setNetworkAutostart(name, true);
                }),
        Step.named(start)
            .description("start libvirt network " + name)
            .after(autostart)
            .doneWhen(c -> hypervisor.network(name).map(NetworkInfo::active).orElse(false))
            .apply(
                c -> {
                  requireMatch();
                  hypervisor.startNetwork(name);
                }));
  }

  private void requireMatch() {
    List<Admission.Finding> refusals =
        check().stream().filter(f -> f.kind() == ErrorKind.PRECONDITION).toList();
    if (!refusals.isEmpty()) {
      throw KldloadException.precondition(
          refusals.stream().map(Admission.Finding::message).collect(Collectors.joining("; ")),
          refusals.get(0).hint());
    }
  }
}
