package dev.kldload.kvm.xml;

import dev.kldload.core.KldloadException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * A NIC's MAC address. We choose it (in QEMU's 52:54:00 range, as libvirt does) rather than let
 * libvirt pick, because the cloud-init seed must name it: cloud-init before 23.x ignores a v2
 * {@code match: name:} glob on Debian's renderers, so matching by MAC is what works everywhere.
 */
public record MacAddress(String value) {
  private static final Pattern FORM = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");
  private static final Random RANDOM = new SecureRandom();

  public MacAddress {
    value = value.toLowerCase(Locale.ROOT);
    if (!FORM.matcher(value).matches()) {
      throw KldloadException.invalid(
          "MAC address '" + value + "' is not valid", "use six hex pairs, e.g. 52:54:00:12:34:56");
    }
  }

  public static MacAddress random() {
    return new MacAddress(
        String.format(
            "52:54:00:%02x:%02x:%02x",
            RANDOM.nextInt(256), RANDOM.nextInt(256), RANDOM.nextInt(256)));
  }

  @Override
  public String toString() {
    return value;
  }
}
