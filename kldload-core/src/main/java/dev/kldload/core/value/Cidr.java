package dev.kldload.core.value;

import dev.kldload.core.KldloadException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR form. The address must be the network address ({@code
 * 10.244.0.0/16}, not {@code 10.244.1.0/16}): a stray host part is almost always a typo in a plan.
 */
public final class Cidr implements Comparable<Cidr> {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final String HINT = "write a network such as 10.244.0.0/16 or fd00::/64";

  private final byte[] network;
  private final int prefix;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw KldloadException.invalid("network is empty", HINT);
    }
    String shown = Names.printable(text);
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw KldloadException.invalid("network '" + shown + "' has no prefix length", HINT);
    }
    byte[] address = parseAddress(text.substring(0, slash), "network '" + shown + "'");
    int prefix;
    try {
      prefix = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw KldloadException.invalid("network '" + shown + "' has an invalid prefix length", HINT);
    }
    if (prefix < 0 || prefix > address.length * 8) {
      throw KldloadException.invalid("network '" + shown + "' has an invalid prefix length", HINT);
    }
    byte[] masked = mask(address, prefix);
    if (!Arrays.equals(masked, address)) {
      throw KldloadException.invalid(
          "network '" + shown + "' has host bits set",
          "did you mean " + format(masked) + "/" + prefix + "?");
    }
    return new Cidr(masked, prefix);
  }

  /** Parses a literal IPv4 or IPv6 address without any name lookup. */
  public static InetAddress parseAddress(String text) {
    try {
      return InetAddress.getByAddress(
          parseAddress(text, "address '" + Names.printable(text) + "'"));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] parseAddress(String text, String what) {
    boolean v4 = IPV4.matcher(text).matches();
    if (v4) {
      String[] parts = text.split("\\.");
      byte[] out = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(parts[i]);
        if (octet > 255) {
          throw KldloadException.invalid(what + " is not a valid IP address", HINT);
        }
        out[i] = (byte) octet;
      }
      return out;
    }
    if (text.contains(":") && IPV6.matcher(text).matches()) {
      try {
        // literal only: the pattern admits no host names, so no lookup happens
        return InetAddress.getByName(text).getAddress();
      } catch (UnknownHostException e) {
        throw KldloadException.invalid(what + " is not a valid IP address", HINT);
      }
    }
    throw KldloadException.invalid(what + " is not a valid IP address", HINT);
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - bits)));
    }
    return out;
  }

  private static String format(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  public int prefixLength() {
    return prefix;
  }

  public boolean isIpv4() {
    return network.length == 4;
  }

  public InetAddress networkAddress() {
    return parseAddress(format(network));
  }

  public boolean contains(InetAddress address) {
    byte[] raw = address.getAddress();
    return raw.length == network.length && Arrays.equals(mask(raw, prefix), network);
  }

  public boolean contains(Cidr other) {
    return other.network.length == network.length
        && other.prefix >= prefix
        && Arrays.equals(mask(other.network, prefix), network);
  }

  public boolean overlaps(Cidr other) {
    return contains(other) || other.contains(this);
  }

  /** The n-th address of the network ({@code 10.250.0.0/24}.host(7) = 10.250.0.7). */
  public InetAddress host(long n) {
    BigInteger size = BigInteger.ONE.shiftLeft(network.length * 8 - prefix);
    if (n < 0 || BigInteger.valueOf(n).compareTo(size) >= 0) {
      throw KldloadException.invalid(
          "address number " + n + " is outside " + this, "pick a number inside the network");
    }
    BigInteger value = new BigInteger(1, network).add(BigInteger.valueOf(n));
    byte[] raw = value.toByteArray();
    byte[] out = new byte[network.length];
    int copy = Math.min(raw.length, out.length);
    System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
    return parseAddress(format(out));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr other
        && other.prefix == prefix
        && Arrays.equals(other.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefix;
  }

  @Override
  public int compareTo(Cidr other) {
    int c = Integer.compare(network.length, other.network.length);
    if (c != 0) {
      return c;
    }
    c = new BigInteger(1, network).compareTo(new BigInteger(1, other.network));
    return c != 0 ? c : Integer.compare(prefix, other.prefix);
  }

  @Override
  public String toString() {
    return format(network) + "/" + prefix;
  }
}
