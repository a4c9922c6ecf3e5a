package dev.kldload.kvm.service;

import dev.kldload.core.process.ProcessRunner;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.disk.DiskBackend;
import java.time.Clock;
import java.util.List;

/**
 * The KVM services over one host's hypervisor and disk backends; commands take the one they need.
 */
public record KvmServices(
    VmInventory inventory,
    VmCreation creation,
    VmCloning cloning,
    VmDeletion deletion,
    VmSnapshots snapshots) {

  /**
   * @param dryRun plans are built to be printed: decisions already recorded are reused, new ones
   *     are not recorded
   */
  public static KvmServices of(
      Hypervisor hypervisor,
      List<DiskBackend> backends,
      ProcessRunner runner,
      KvmSettings settings,
      Clock clock,
      boolean dryRun) {
    VmHost host = new VmHost(hypervisor, backends, runner, settings, clock, dryRun);
    return new KvmServices(
        new VmInventory(host),
        new VmCreation(host),
        new VmCloning(host),
        new VmDeletion(host),
        new VmSnapshots(host));
  }
}
