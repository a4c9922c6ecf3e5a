package dev.kldload.kvm.service;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.xml.DomainDefinition;
import dev.kldload.kvm.xml.DomainMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code kvm-delete}: the domain, the disks kldload made, the seed, the UEFI vars with their
 * snapshot copies, the pinned host key and the VM's decisions (a new VM of that name chooses anew),
 * and the clone's origin snapshot when nothing else uses it.
 */
public final class VmDeletion {
  private final VmHost host;

  VmDeletion(VmHost host) {
    this.host = host;
  }

  /**
   * @param force power off a running domain, and delete one without our metadata
   */
  public Plan delete(VmName vm, boolean force) {
    Optional<VmDomain> domain = host.hypervisor.domain(vm.value());
    Optional<DomainDefinition> def = domain.map(d -> DomainDefinition.parse(d.xml()));
    List<DiskBackend> disks = new ArrayList<>();
    for (DiskBackend b : host.backends) {
      if (b.exists(vm)) {
        disks.add(b);
      }
    }
    if (domain.isEmpty() && disks.isEmpty()) {
      throw KldloadException.notFound(
          "no VM named " + vm + " (no domain on " + host.hypervisor.uri() + ", no disk)",
          "see 'kvm-list'");
    }
    if (def.isPresent() && !def.get().ours() && !force) {
      throw KldloadException.precondition(
          "domain " + vm + " was not created by kldload (it has no kldload metadata)",
          "add --force to delete it anyway; only disks kldload made are removed");
    }
    List<String> dependents = new ArrayList<>();
    for (DiskBackend b : disks) {
      for (String d : b.dependents(vm)) {
        dependents.add(d + ": " + b.detachAdvice(d));
      }
    }
    if (!dependents.isEmpty()) {
      throw KldloadException.conflict(
          "VM "
              + vm
              + " has clones that depend on its disk, nothing was changed: "
              + String.join("; ", dependents),
          "delete or detach those clones first");
    }
    DomainState state = domain.map(VmDomain::state).orElse(DomainState.SHUT_OFF);
    if (state.active() && !force) {
      throw KldloadException.conflict(
          "VM " + vm + " is " + state.label() + "; shut it down first or use --force",
          "kvm-delete " + vm + " --force powers it off");
    }
    Plan.Builder plan = Plan.builder("kvm-delete-" + vm);
    List<String> after = new ArrayList<>();
    if (state.active()) {
      plan.add(
          Step.named("power-off")
              .description("power off " + vm + " (" + state.label() + ")")
              .doneWhen(c -> !host.currentState(vm).active())
              .apply(c -> host.hypervisor.powerOff(vm.value())));
      after.add("power-off");
    }
    if (domain.isPresent()) {
      plan.add(
          Step.named("undefine")
              .description("undefine domain " + vm + " with its snapshots")
              .after(after)
              .doneWhen(c -> host.hypervisor.domain(vm.value()).isEmpty())
              .apply(c -> host.hypervisor.undefine(vm.value())));
      after = List.of("undefine");
    }
    for (DiskBackend b : disks) {
      plan.add(
          Step.named("disk-" + b.name())
              .description(
                  "destroy the " + b.name() + " disk " + b.diskOf(vm).path() + " and its snapshots")
              .after(after)
              .doneWhen(c -> !b.exists(vm))
              .apply(c -> b.destroy(vm)));
    }
    List<Path> files = new ArrayList<>(List.of(host.seedPath(vm), host.varsPath(vm)));
    files.addAll(UefiVars.snapshotCopies(vm, host.varsPath(vm)));
    def.flatMap(DomainDefinition::nvram)
        .filter(n -> !n.equals(host.varsPath(vm)))
        .ifPresent(n -> files.addAll(UefiVars.snapshotCopies(vm, n)));
    Path vmState = host.stateDir(vm);
    plan.add(
        Step.named("files")
            .description(
                "remove the seed, UEFI vars (with their snapshot copies), pinned host key and"
                    + " decisions of "
                    + vm)
            .after(after)
            .doneWhen(c -> files.stream().noneMatch(Files::exists) && !Files.exists(vmState))
            .apply(
                c -> {
                  for (Path f : files) {
                    Files.deleteIfExists(f);
                  }
                  host.decisions(vm).forget();
                  VmHost.deleteTree(vmState);
                }));
    Optional<String> origin =
        def.flatMap(DomainDefinition::metadata).flatMap(DomainMetadata::cloneOrigin);
    if (origin.isPresent() && def.get().ours()) {
      List<String> diskSteps = disks.stream().map(b -> "disk-" + b.name()).toList();
      plan.add(
          Step.named("origin")
              .description("remove snapshot " + origin.get() + " if no other clone uses it")
              .after(diskSteps.isEmpty() ? after : diskSteps)
              .nonCritical()
              .doneWhen(c -> false)
              .apply(
                  c -> {
                    for (DiskBackend b : host.backends) {
                      b.releaseOrigin(origin.get())
                          .forEach(removed -> c.note("removed " + removed));
                    }
                  }));
    }
    return plan.build();
  }
}
