package dev.kldload.kube.orchestrator;

import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.Cidr;
import dev.kldload.core.value.NodeId;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.MacAddress;
import dev.kldload.kvm.xml.OsVariant;
import dev.kldload.net.IfAddress;
import dev.kldload.net.PeerSpec;
import dev.kldload.net.PlaneKind;
import dev.kldload.net.WgDevice;
import dev.kldload.net.WgKey;
import dev.kldload.net.WgPeerState;
import dev.kldload.net.WgPrivateKey;
import dev.kldload.net.WireGuard;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Helpers for the tests of status, power and destroy over {@link ClusterBootstrapTest.Rig}: foreign
 * objects, a prefix of a plan, guests that ignore ACPI, and WireGuard handshakes.
 */
final class ClusterFixtures {
  private ClusterFixtures() {}

  /** A domain made by someone else ({@code kvm-create} marks) on the rig's disk backend. */
  static void foreignDomain(ClusterBootstrapTest.Rig rig, String name) {
    VmName vm = VmName.of(name);
    rig.hypervisor.define(
        DomainXmlWriter.write(
            new DomainSpec(
                vm,
                "qemu",
                ByteSize.ofMegabytes(512),
                1,
                new DomainSpec.Bios(),
                List.of(rig.disks.diskOf(vm)),
                Optional.empty(),
                Optional.empty(),
                List.of(
                    new DomainSpec.Nic(
                        DomainSpec.NicKind.NETWORK,
                        "default",
                        Optional.of(new MacAddress("52:54:00:aa:bb:7f")))),
                "127.0.0.1",
                DomainMetadata.vm("kvm-create"),
                Optional.empty(),
                OsVariant.DEBIAN12)));
  }

  /** A peer someone else added to the host's interface on {@code plane}. */
  static WgKey foreignPeer(ClusterBootstrapTest.Rig rig, PlaneKind plane) {
    String name = rig.plan.plane(plane).interfaceName();
    WgKey key = WgPrivateKey.generate().publicKey();
    rig.wireGuard.create(name);
    rig.wireGuard.updatePeers(
        name,
        List.of(
            new PeerSpec(
                NodeId.of(200),
                key,
                Optional.of("192.0.2.9:51820"),
                List.of(Cidr.parse("10.99.0.9/32")),
                0)),
        List.of());
    return key;
  }

  static WgKey mgmtKey(NodeRecord node) {
    return WgKey.parse(node.mgmtPublicKey());
  }

  static WgKey k8sKey(NodeRecord node) {
    return WgKey.parse(node.k8sPublicKey());
  }

  /**
   * The rig's hypervisor with guests that ignore {@code shutdown} (ACPI), as a hung guest does;
   * {@code asked} hears each request; every other call goes to the rig's.
   */
  static Hypervisor ignoringShutdown(Hypervisor real, Consumer<String> asked) {
    return (Hypervisor)
        Proxy.newProxyInstance(
            Hypervisor.class.getClassLoader(),
            new Class<?>[] {Hypervisor.class},
            (proxy, method, args) -> {
              if (method.getName().equals("shutdown")) {
                asked.accept((String) args[0]);
                return null;
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /**
   * The rig's WireGuard, with the latest handshake of chosen peers as the test sets it (the fake
   * never handshakes on its own).
   */
  static final class Handshakes implements WireGuard {
    private final WireGuard real;
    private final Map<WgKey, Instant> at = new ConcurrentHashMap<>();

    Handshakes(WireGuard real) {
      this.real = real;
    }

    void set(WgKey key, Instant when) {
      at.put(key, when);
    }

    /** The peer has not completed a handshake (as the fake starts every peer). */
    void clear(WgKey key) {
      at.remove(key);
    }

    @Override
    public Optional<WgDevice> device(String name) {
      return real.device(name)
          .map(
              d ->
                  new WgDevice(
                      d.name(),
                      d.up(),
                      d.mtu(),
                      d.addresses(),
                      d.publicKey(),
                      d.listenPort(),
                      d.peers().stream().map(this::withHandshake).toList()));
    }

    private WgPeerState withHandshake(WgPeerState p) {
      return new WgPeerState(
          p.publicKey(),
          p.endpoint(),
          p.allowedIps(),
          p.keepalive(),
          Optional.ofNullable(at.get(p.publicKey())).or(p::latestHandshake),
          p.rxBytes(),
          p.txBytes());
    }

    @Override
    public void create(String name) {
      real.create(name);
    }

    @Override
    public void configure(String name, WgPrivateKey key, int listenPort) {
      real.configure(name, key, listenPort);
    }

    @Override
    public void setAddress(String name, IfAddress address, int mtu) {
      real.setAddress(name, address, mtu);
    }

    @Override
    public void updatePeers(String name, List<PeerSpec> upsert, Collection<WgKey> remove) {
      real.updatePeers(name, upsert, remove);
    }

    @Override
    public void delete(String name) {
      real.delete(name);
    }
  }
}
