package dev.kldload.net;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.Cidr;
import java.net.Inet6Address;
import java.util.regex.Pattern;

/**
 * Where a peer can be reached: an IPv4 or IPv6 literal or a DNS name, without a port (the port is
 * the plane's). Anything else is refused before it reaches a config file.
 */
public record Endpoint(String host) {
  private static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final String HINT =
      "give the peer's address without a port, e.g. 192.168.122.11, fd00::11 or node1.lan";

  public Endpoint {
    if (host == null || host.isBlank() || host.length() > 253) {
      throw KldloadException.invalid("endpoint is empty or too long", HINT);
    }
    String shown = host.replaceAll("[^\\x20-\\x7e]", "?");
    if (host.contains(":")) {
      try {
        if (!(Cidr.parseAddress(host) instanceof Inet6Address)) {
          throw KldloadException.invalid("endpoint '" + shown + "' is not valid", HINT);
        }
      } catch (KldloadException e) {
        throw KldloadException.invalid(
            "endpoint '" + shown + "' is not an address (a port is not allowed here)", HINT);
      }
    } else if (IPV4.matcher(host).matches()) {
      Cidr.parseAddress(host);
    } else if (!NAME.matcher(host).matches()) {
      throw KldloadException.invalid("endpoint '" + shown + "' is not an address or name", HINT);
    }
  }

  public static Endpoint parse(String text) {
    return new Endpoint(text == null ? null : text.strip());
  }

  /**
   * Whether the host is an IP literal (a name would be resolved by wg, so it cannot be compared).
   */
  public boolean literal() {
    return host.contains(":") || IPV4.matcher(host).matches();
  }

  /** {@code host:port}, with brackets around IPv6 literals as wg expects. */
  public String withPort(int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return host;
  }
}
