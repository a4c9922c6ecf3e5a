package dev.kldload.net;

import dev.kldload.core.value.Cidr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Routes and addresses set by the test, as the kernel would derive them. */
public final class InMemoryHostNetwork implements HostNetwork {
  private final List<Route> routes = new ArrayList<>();
  private final Map<String, List<IfAddress>> addresses = new LinkedHashMap<>();

  /** An address on a device, with the connected route the kernel adds for it. */
  public InMemoryHostNetwork address(String device, String address) {
    IfAddress a = IfAddress.parse(address);
    addresses.computeIfAbsent(device, d -> new ArrayList<>()).add(a);
    routes.add(new Route(a.network(), Optional.of(device), Optional.empty()));
    return this;
  }

  public InMemoryHostNetwork route(String cidr, String device, String gateway) {
    routes.add(new Route(Cidr.parse(cidr), Optional.of(device), Optional.ofNullable(gateway)));
    return this;
  }

  @Override
  public List<Route> routes() {
    return List.copyOf(routes);
  }

  @Override
  public List<IfAddress> addresses(String device) {
    return List.copyOf(addresses.getOrDefault(device, List.of()));
  }
}
