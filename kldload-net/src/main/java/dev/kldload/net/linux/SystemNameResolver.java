package dev.kldload.net.linux;

import dev.kldload.net.NameResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** The system's resolver (nsswitch: /etc/hosts, DNS), as wg itself resolves an endpoint. */
public final class SystemNameResolver implements NameResolver {
  @Override
  public List<InetAddress> resolve(String host) {
    try {
      return List.of(InetAddress.getAllByName(host));
    } catch (UnknownHostException e) {
      return List.of();
    }
  }
}
