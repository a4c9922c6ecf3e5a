package dev.kldload.kube.ssh;

import dev.kldload.core.KldloadException;
import dev.kldload.core.value.HostName;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a node's SSH server answers. The node name is also the host-key alias: the pinned key is
 * looked up under the name, not the address, so a node whose DHCP address changes keeps its pin and
 * a new machine on an old address is refused.
 */
public record SshTarget(HostName node, String host, int port, String user) {
  private static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}|[0-9A-Fa-f:.]+");
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

  public SshTarget {
    Objects.requireNonNull(node, "node");
    if (host == null || !HOST.matcher(host).matches()) {
      throw KldloadException.invalid(
          "ssh target " + node + ": address '" + host + "' is not a host name or IP address",
          "give an address such as 192.168.122.10 or 10.250.0.1");
    }
    if (port < 1 || port > 65535) {
      throw KldloadException.invalid(
          "ssh target " + node + ": port " + port + " is out of range",
          "use a port from 1 to 65535");
    }
    if (user == null || !USER.matcher(user).matches()) {
      throw KldloadException.invalid(
          "ssh target " + node + ": user name '" + user + "' is not valid",
          "use a POSIX user name such as root or admin");
    }
  }

  public static SshTarget root(HostName node, String host) {
    return new SshTarget(node, host, 22, "root");
  }

  /** "cp-1 (root@10.250.0.1:22)", for messages. */
  public String display() {
    return node + " (" + user + "@" + host + ":" + port + ")";
  }
}
