package dev.kldload.kube.node;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.Cidr;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The API server a node joins: a host name or IP address and a port ({@code 10.251.0.1:6443}). */
public record ApiEndpoint(String host, int port) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}");
  private static final Pattern HOST_PORT =
      Pattern.compile("([A-Za-z0-9][A-Za-z0-9.-]*)(?::([0-9]{1,5}))?");
  private static final Pattern V6_PORT =
      Pattern.compile("\\[([0-9A-Fa-f:.]+)\\](?::([0-9]{1,5}))?");
  private static final String HINT = "give host[:port] such as 10.251.0.1:6443 or [fd00::1]:6443";

  public ApiEndpoint {
    if (host == null || !(NAME.matcher(host).matches() || host.contains(":"))) {
      throw KldloadException.invalid("API endpoint host '" + host + "' is not valid", HINT);
    }
    if (port < 1 || port > 65535) {
      throw KldloadException.invalid("API endpoint port " + port + " is out of range", HINT);
    }
  }

  /** Parses {@code host[:port]} or {@code [v6][:port]}; {@code defaultPort} when none is given. */
  public static ApiEndpoint parse(String text, int defaultPort) {
    if (text == null) {
      throw KldloadException.invalid("API endpoint is missing", HINT);
    }
    Matcher v6 = V6_PORT.matcher(text);
    if (v6.matches()) {
      Cidr.parseAddress(v6.group(1));
      return new ApiEndpoint(v6.group(1), port(v6.group(2), defaultPort, text));
    }
    Matcher m = HOST_PORT.matcher(text);
    if (!m.matches()) {
      throw KldloadException.invalid("API endpoint '" + printable(text) + "' is not valid", HINT);
    }
    return new ApiEndpoint(m.group(1), port(m.group(2), defaultPort, text));
  }

  private static int port(String digits, int defaultPort, String text) {
    if (digits == null) {
      return defaultPort;
    }
    int port = Integer.parseInt(digits);
    if (port < 1 || port > 65535) {
      throw KldloadException.invalid(
          "API endpoint '" + printable(text) + "' has an invalid port", HINT);
    }
    return port;
  }

  static String printable(String text) {
    return text.replaceAll("\\p{Cntrl}", "?");
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
