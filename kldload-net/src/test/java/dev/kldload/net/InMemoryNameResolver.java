package dev.kldload.net;

import dev.kldload.core.value.Cidr;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Names a test sets; literals resolve to themselves, as with the system resolver. */
public final class InMemoryNameResolver implements NameResolver {
  private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();

  /** Makes {@code name} resolve to {@code addresses}, replacing what it resolved to before. */
  public InMemoryNameResolver name(String name, String... addresses) {
    names.put(name, List.of(addresses).stream().map(Cidr::parseAddress).toList());
    return this;
  }

  @Override
  public List<InetAddress> resolve(String host) {
    if (new Endpoint(host).literal()) {
      return List.of(Cidr.parseAddress(host));
    }
    return names.getOrDefault(host, List.of());
  }
}
