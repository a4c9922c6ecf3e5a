package dev.kldload.net;

import dev.kldload.core.KldloadException;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A WireGuard public key: 32 bytes, written as wg writes it (44 characters of standard base64 with
 * one '=' of padding). The last character before the padding can only be one of 16 letters, since
 * the final base64 digit carries 4 significant bits.
 */
public final class WgKey {
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=");
  static final String HINT = "a WireGuard key is 44 characters of base64, as 'wg pubkey' prints it";

  private final byte[] bytes;

  private WgKey(byte[] bytes) {
    this.bytes = bytes;
  }

  public static WgKey parse(String text) {
    if (text == null || !BASE64.matcher(text.strip()).matches()) {
      throw KldloadException.invalid(
          "key '" + (text == null ? "" : shorten(text)) + "' is not a WireGuard key", HINT);
    }
    return new WgKey(Base64.getDecoder().decode(text.strip()));
  }

  static WgKey of(byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException("a WireGuard key has 32 bytes, not " + raw.length);
    }
    return new WgKey(raw.clone());
  }

  private static String shorten(String text) {
    String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 60 ? printable.substring(0, 60) + "…" : printable;
  }

  public String base64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WgKey other && Arrays.equals(other.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return base64();
  }
}
