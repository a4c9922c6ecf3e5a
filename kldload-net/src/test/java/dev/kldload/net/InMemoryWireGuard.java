package dev.kldload.net;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A WireGuard fake that behaves as {@link WireGuardContract} says the real one does. */
public final class InMemoryWireGuard implements WireGuard {
  private final Map<String, WgDevice> devices = new LinkedHashMap<>();

  @Override
  public synchronized Optional<WgDevice> device(String name) {
    return Optional.ofNullable(devices.get(name));
  }

  @Override
  public synchronized void create(String name) {
    devices.putIfAbsent(
        name, new WgDevice(name, false, 1420, List.of(), Optional.empty(), 0, List.of()));
  }

  @Override
  public synchronized void configure(String name, WgPrivateKey key, int listenPort) {
    WgDevice d = require(name);
    devices.put(
        name,
        new WgDevice(
            name,
            d.up(),
            d.mtu(),
            d.addresses(),
            Optional.of(key.publicKey()),
            listenPort,
            d.peers()));
  }

  @Override
  public synchronized void setAddress(String name, IfAddress address, int mtu) {
    WgDevice d = require(name);
    devices.put(
        name,
        new WgDevice(name, true, mtu, List.of(address), d.publicKey(), d.listenPort(), d.peers()));
  }

  @Override
  public synchronized void updatePeers(
      String name, List<PeerSpec> upsert, Collection<WgKey> remove) {
    WgDevice d = require(name);
    Map<WgKey, WgPeerState> peers = new LinkedHashMap<>();
    d.peers().forEach(p -> peers.put(p.publicKey(), p));
    for (PeerSpec spec : upsert) {
      WgPeerState old = peers.get(spec.publicKey());
      peers.put(
          spec.publicKey(),
          new WgPeerState(
              spec.publicKey(),
              spec.endpoint().or(() -> old == null ? Optional.empty() : old.endpoint()),
              spec.allowedIps(),
              spec.keepalive(),
              old == null ? Optional.empty() : old.latestHandshake(),
              old == null ? 0 : old.rxBytes(),
              old == null ? 0 : old.txBytes()));
    }
    remove.forEach(peers::remove);
    devices.put(
        name,
        new WgDevice(
            name,
            d.up(),
            d.mtu(),
            d.addresses(),
            d.publicKey(),
            d.listenPort(),
            new ArrayList<>(peers.values())));
  }

  @Override
  public synchronized void delete(String name) {
    devices.remove(name);
  }

  private WgDevice require(String name) {
    WgDevice d = devices.get(name);
    if (d == null) {
      throw new KldloadException(ErrorKind.FAILED, "no interface " + name, null);
    }
    return d;
  }
}
