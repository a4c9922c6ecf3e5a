package dev.kldload.cli.kvm;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.ByteSize;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/** Conversions of the KVM commands' raw option values, each failing as invalid input (exit 2). */
final class KvmArgs {
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]{7,15}|[0-9A-Fa-f:]{2,39}");
  private static final Pattern PLAIN_NUMBER = Pattern.compile("\\d{1,15}(\\.\\d{1,3})?");

  /** The unit of a plain number in a size option, as the original tools read it. */
  enum SizeUnit {
    /** {@code --disk 40}: 40 GB. */
    GB("G"),
    /** {@code --ram 2048}: 2048 MB. */
    MB("M");

    private final String suffix;

    SizeUnit(String suffix) {
      this.suffix = suffix;
    }
  }

  private KvmArgs() {}

  static int cpus(Integer value) {
    if (value == null || value < 1 || value > 512) {
      throw KldloadException.invalid(
          "--cpus " + value + " is out of range", "give between 1 and 512 vCPUs");
    }
    return value;
  }

  /** VNC binds to an address literal; names would need resolving on every start. */
  static String listenAddress(String value) {
    if (value == null || !IP_LITERAL.matcher(value).matches()) {
      throw KldloadException.invalid(
          "--vnc-listen '" + value + "' is not an IP address",
          "use 127.0.0.1 (default) or an address of this host");
    }
    return value;
  }

  /**
   * A size option: a plain number is in {@code unit} (GB for disks, MB for memory, as the original
   * tools), or a number with its unit ({@code 40G}, {@code 512M}, {@code 2GiB}).
   */
  static ByteSize size(String option, String value, SizeUnit unit) {
    String text = value == null ? "" : value.strip();
    try {
      return ByteSize.parse(PLAIN_NUMBER.matcher(text).matches() ? text + unit.suffix : text);
    } catch (KldloadException e) {
      if (e.kind() != ErrorKind.INVALID_INPUT) {
        throw e;
      }
      throw KldloadException.invalid(
          option + " '" + text.replaceAll("\\p{Cntrl}", "?") + "' is not a size",
          "give a number of "
              + unit
              + " (e.g. "
              + option
              + (unit == SizeUnit.GB ? " 40" : " 2048")
              + "), or one with a unit: 40G, 512M, 2GiB");
    }
  }

  static Optional<Path> file(String value) {
    return Optional.ofNullable(value).map(v -> Path.of(v).toAbsolutePath().normalize());
  }
}
