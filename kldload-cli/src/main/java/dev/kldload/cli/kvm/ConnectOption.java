package dev.kldload.cli.kvm;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code --connect URI}, mixed into every KVM command; verbs ({@code kvm-snap VM list}) inherit it.
 */
public final class ConnectOption {
  @Option(
      names = {"-c", "--connect"},
      paramLabel = "URI",
      scope = ScopeType.INHERIT,
      description =
          "libvirt URI (default: LIBVIRT_DEFAULT_URI, then config libvirt.uri, then"
              + " qemu:///system).")
  String uri;
}
