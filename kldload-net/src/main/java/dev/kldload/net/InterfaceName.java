package dev.kldload.net;

import dev.kldload.core.KldloadException;
import java.util.regex.Pattern;

/**
 * A network interface name as the kernel takes it (1-15 characters) and no program can read as an
 * option: it starts with a letter, digit or '_', never with '-' (wireguard-go, ip and wg would take
 * {@code -f} for a flag) and is never {@code .} or {@code ..}.
 */
public final class InterfaceName {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}");

  private InterfaceName() {}

  /** {@code text} when it is a valid name; INVALID_INPUT otherwise. */
  public static String require(String text) {
    if (text == null || !NAME.matcher(text).matches()) {
      throw KldloadException.invalid(
          "interface name '" + NetConfig.printable(text == null ? "" : text) + "' is not valid",
          "use 1 to 15 letters, digits, '_', '.' or '-', starting with a letter, digit or '_'");
    }
    return text;
  }
}
