package dev.kldload.cli.kvm;

import dev.kldload.core.KldloadException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/** Conversions of the KVM commands' raw option values, each failing as invalid input (exit 2). */
final class KvmArgs {
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]{7,15}|[0-9A-Fa-f:]{2,39}");

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

  static Optional<Path> file(String value) {
    return Optional.ofNullable(value).map(v -> Path.of(v).toAbsolutePath().normalize());
  }
}
