package dev.kldload.kvm.service;

import dev.kldload.core.plan.Conditions;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.AddressSource;
import dev.kldload.kvm.GuestAddress;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.VmView;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.xml.DomainDefinition;
import dev.kldload.kvm.xml.DomainMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What is there: the domains with their disk usage, and guests' addresses. */
public final class VmInventory {
  private final VmHost host;

  VmInventory(VmHost host) {
    this.host = host;
  }

  /**
   * Every domain with its disk usage: one listing call, one definition read per domain, one usage
   * look-up per backend; no program per VM.
   */
  public List<VmView> list() {
    List<VmDomain> domains = host.hypervisor.domains();
    Map<String, DomainDefinition> defs = new LinkedHashMap<>();
    Map<String, Path> firstDisk = new LinkedHashMap<>();
    for (VmDomain d : domains) {
      DomainDefinition def = DomainDefinition.parse(d.xml());
      defs.put(d.name(), def);
      def.dataDisks().stream()
          .findFirst()
          .flatMap(DomainDefinition.DiskEntry::source)
          .ifPresent(p -> firstDisk.put(d.name(), p));
    }
    Map<Path, DiskBackend.DiskUsage> usage = new LinkedHashMap<>();
    for (DiskBackend b : host.backends) {
      usage.putAll(b.usage(firstDisk.values()));
    }
    List<VmView> out = new ArrayList<>();
    for (VmDomain d : domains) {
      DomainDefinition def = defs.get(d.name());
      Optional<DiskBackend.DiskUsage> u =
          Optional.ofNullable(firstDisk.get(d.name())).map(usage::get);
      out.add(
          new VmView(
              d.name(),
              d.stateLabel(),
              d.memoryKib() * 1024,
              d.vcpus(),
              u.map(DiskBackend.DiskUsage::capacityBytes).orElse(null),
              u.map(DiskBackend.DiskUsage::usedBytes).orElse(null),
              def.metadata().flatMap(DomainMetadata::cloneOrigin).orElse(null),
              def.ours()));
    }
    return out;
  }

  /**
   * The guest's first IPv4 address (not loopback): from the DHCP lease table first, then from the
   * guest agent; empty when neither knows one yet.
   */
  public Optional<GuestAddress> address(VmName vm) {
    for (AddressSource source : List.of(AddressSource.LEASE, AddressSource.AGENT)) {
      Optional<GuestAddress> found =
          host.hypervisor.addresses(vm.value(), source).stream()
              .filter(a -> a.address().indexOf(':') < 0 && !a.address().startsWith("127."))
              .findFirst();
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** Waits for {@link #address} with a deadline (TIMEOUT naming the VM), never a fixed sleep. */
  public GuestAddress awaitAddress(VmName vm, Duration timeout, Conditions conditions)
      throws InterruptedException {
    return conditions.await("an IPv4 address of " + vm, timeout, () -> address(vm));
  }
}
