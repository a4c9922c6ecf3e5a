package dev.kldload.net;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address on an interface with its prefix length ({@code 10.250.0.3/24}). */
public record IfAddress(InetAddress address, int prefixLength) {
  public IfAddress {
    int bits = address.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw KldloadException.invalid(
          "prefix length " + prefixLength + " is not valid", "use 0 to " + bits);
    }
  }

  public static IfAddress parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw KldloadException.invalid(
          "address '" + text + "' has no prefix length", "write it as 10.250.0.3/24");
    }
    try {
      return new IfAddress(
          Cidr.parseAddress(text.substring(0, slash)), Integer.parseInt(text.substring(slash + 1)));
    } catch (NumberFormatException e) {
      throw KldloadException.invalid(
          "address '" + text + "' has an invalid prefix length", "write it as 10.250.0.3/24");
    }
  }

  /** The network this address lies in ({@code 10.250.0.0/24}). */
  public Cidr network() {
    byte[] raw = address.getAddress();
    for (int i = 0; i < raw.length; i++) {
      int bits = Math.max(0, Math.min(8, prefixLength - i * 8));
      raw[i] = (byte) (raw[i] & (0xff << (8 - bits)));
    }
    try {
      return Cidr.parse(InetAddress.getByAddress(raw).getHostAddress() + "/" + prefixLength);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return address.getHostAddress() + "/" + prefixLength;
  }
}
