package dev.kldload.kvm;

import dev.kldload.core.KldloadException;
import dev.kldload.kvm.xml.MacAddress;
import dev.kldload.kvm.xml.Xml;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A static DHCP reservation of a libvirt network ({@code <ip><dhcp><host mac name ip/>}): the
 * network's DHCP server hands {@code ip} to the NIC with {@code mac}. {@code name} is the host name
 * dnsmasq announces; empty when the entry has none.
 */
public record DhcpHost(MacAddress mac, String name, String ip) {
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
  private static final Pattern NAME = Pattern.compile("|[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");

  public DhcpHost {
    Objects.requireNonNull(mac, "mac");
    if (name == null || !NAME.matcher(name).matches()) {
      throw KldloadException.invalid(
          "DHCP host name '" + name + "' is not a host name", "use letters, digits, '-' and '.'");
    }
    if (ip == null || !IPV4.matcher(ip).matches()) {
      throw KldloadException.invalid(
          "DHCP reservation address '" + ip + "' is not an IPv4 address",
          "give an address such as 192.168.122.10");
    }
  }

  /** The {@code <host/>} element libvirt's network update takes. */
  public String xml() {
    Document doc = Xml.newDocument();
    Element host = doc.createElement("host");
    doc.appendChild(host);
    host.setAttribute("mac", mac.value());
    if (!name.isEmpty()) {
      host.setAttribute("name", name);
    }
    host.setAttribute("ip", ip);
    return Xml.write(doc);
  }

  /**
   * The IPv4 reservations in a network definition, in document order; entries without a MAC (IPv6
   * hosts are matched by DUID) are not reservations of a NIC and are left out.
   */
  public static List<DhcpHost> inNetwork(String networkXml) {
    List<DhcpHost> out = new ArrayList<>();
    for (Element ip : Xml.children(Xml.parse(networkXml).getDocumentElement(), "ip")) {
      for (Element dhcp : Xml.children(ip, "dhcp")) {
        for (Element host : Xml.children(dhcp, "host")) {
          Optional<String> mac = Xml.attr(host, "mac");
          Optional<String> address = Xml.attr(host, "ip").filter(a -> IPV4.matcher(a).matches());
          if (mac.isPresent() && address.isPresent()) {
            out.add(
                new DhcpHost(
                    new MacAddress(mac.get()), Xml.attr(host, "name").orElse(""), address.get()));
          }
        }
      }
    }
    return out;
  }

  /** "52:54:00:0a:00:01 → 192.168.122.10 (cp-1)", for messages. */
  public String display() {
    return mac + " → " + ip + (name.isEmpty() ? "" : " (" + name + ")");
  }
}
