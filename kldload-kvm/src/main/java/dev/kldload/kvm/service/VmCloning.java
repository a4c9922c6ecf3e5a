package dev.kldload.kvm.service;

import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.plan.Decisions;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.CloneRequest;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.disk.DiskSnapshots;
import dev.kldload.kvm.xml.CloneEditor;
import dev.kldload.kvm.xml.DomainDefinition;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.MacAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * {@code kvm-clone}: snapshot the source's disk (unless cloning from a named snapshot), clone it,
 * copy the UEFI vars, write a new seed, define the clone. The snapshot's name, the MACs and the
 * instance-id are decided once per clone and reused by a re-run, so a resumed clone uses the
 * snapshot the first run took and leaves none behind.
 */
public final class VmCloning {
  private static final DateTimeFormatter CLONE_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

  private final VmHost host;
  private final Seeds seeds;

  VmCloning(VmHost host) {
    this.host = host;
    this.seeds = new Seeds(host);
  }

  public Plan clone(CloneRequest r) {
    VmName source = r.source();
    VmName target = r.target();
    if (source.equals(target)) {
      throw KldloadException.invalid(
          "kvm-clone " + target + ": the clone must have another name than its source",
          "choose a new name");
    }
    VmDomain src =
        host.hypervisor
            .domain(source.value())
            .orElseThrow(
                () ->
                    KldloadException.notFound(
                        "source VM " + source + " does not exist on " + host.hypervisor.uri(),
                        "see 'kvm-list'"));
    Decisions decisions = host.decisions(target);
    String request = VmHost.fingerprint("kvm-clone", source, r.snapshot(), r.adminKey());
    boolean resuming = decisions.recorded("request").filter(request::equals).isPresent();
    if (!resuming) {
      host.requireAbsent(target, "kvm-clone");
    }
    DomainDefinition def = DomainDefinition.parse(src.xml());
    List<DomainDefinition.DiskEntry> disks = def.dataDisks();
    if (disks.size() != 1 || disks.get(0).source().isEmpty()) {
      throw KldloadException.precondition(
          "source VM " + source + " has " + disks.size() + " disks; kvm-clone clones one",
          "clone VMs made by kvm-create");
    }
    Path sourceDisk = disks.get(0).source().get();
    DiskBackend backend = backendOwning(source, sourceDisk);
    if (!resuming) {
      host.requireNoDisk(backend, target, "kvm-clone");
    }
    r.adminKey().ifPresent(p -> Seeds.readPublicKey(target, p));
    boolean takeSnapshot = r.snapshot().isEmpty();
    if (!takeSnapshot && backend.findSnapshot(source, r.snapshot().get()).isEmpty()) {
      throw KldloadException.notFound(
          "source VM " + source + " has no disk snapshot " + r.snapshot().get(),
          "see 'kvm-snap " + source + " list', or omit --snap to take one");
    }

    if (!resuming) {
      // an earlier request's choices: its clone is gone (checked above)
      decisions.forget();
    }
    decisions.decide("request", () -> request);
    String snap =
        r.snapshot()
            .orElseGet(
                () ->
                    decisions.decide(
                        "snapshot", () -> "clone-" + CLONE_STAMP.format(host.clock.instant())));
    List<MacAddress> macs =
        IntStream.range(0, def.nics())
            .mapToObj(
                i ->
                    new MacAddress(decisions.decide("mac." + i, () -> MacAddress.random().value())))
            .toList();
    String instanceId =
        decisions.decide(
            "instance-id", () -> target + "-" + UUID.randomUUID().toString().substring(0, 8));
    String origin = source + "@" + snap;
    Optional<Path> nvram = def.nvram().map(p -> host.varsPath(target));
    Path seed = host.seedPath(target);
    DomainMetadata metadata =
        new DomainMetadata(
            "kvm-clone",
            def.metadata().map(DomainMetadata::role).filter(x -> !x.equals("golden")).orElse("vm"),
            def.metadata().flatMap(DomainMetadata::cluster),
            Optional.of(origin));
    Path disk = backend.diskOf(target).path();
    String xml =
        CloneEditor.edit(
            src.xml(), target, Map.of(sourceDisk, disk), nvram, macs, Optional.of(seed), metadata);

    Plan.Builder plan = Plan.builder("kvm-clone-" + target);
    List<String> diskAfter = new ArrayList<>();
    if (takeSnapshot) {
      plan.add(
          Step.named("snapshot")
              .description(
                  "snapshot the disk of "
                      + source
                      + " as "
                      + snap
                      + VmHost.quiesceNote(src.state(), backend.liveSnapshots()))
              .creates(origin)
              .doneWhen(c -> backend.findSnapshot(source, snap).isPresent())
              // a snapshot only this failed run needed (its clone's disk was undone first): a
              // qcow2 layer is merged back into the source's disk, a ZFS snapshot destroyed
              .undo(c -> removeSnapshot(backend, source, snap, origin))
              .apply(
                  c ->
                      host.quiesced(
                          source, backend.liveSnapshots(), () -> backend.snapshot(source, snap))));
      diskAfter.add("snapshot");
    }
    plan.add(
        Step.named("disk")
            .description("clone " + origin + " to " + disk)
            .after(diskAfter)
            .creates(disk.toString())
            .doneWhen(c -> VmHost.hasDisk(backend, target))
            .undo(c -> backend.destroy(target))
            .apply(
                c ->
                    backend.cloneFrom(
                        backend
                            .findSnapshot(source, snap)
                            .orElseThrow(
                                () ->
                                    KldloadException.notFound(
                                        "snapshot " + origin + " vanished", null)),
                        target)));
    List<String> defineAfter = new ArrayList<>(List.of("disk", "seed"));
    if (nvram.isPresent()) {
      // the vars that go with the disk: those kept with a named snapshot, else the current ones
      Path from =
          r.snapshot()
              .map(s -> UefiVars.snapshotCopy(def.nvram().get(), source, s))
              .filter(Files::exists)
              .orElse(def.nvram().get());
      Path to = nvram.get();
      plan.add(
          Step.named("vars")
              .description("copy UEFI vars " + from + " to " + to)
              .creates(to.toString())
              .doneWhen(c -> Files.exists(to) || !Files.exists(from))
              .undo(c -> Files.deleteIfExists(to))
              .apply(
                  c -> {
                    Files.createDirectories(to.getParent());
                    PrivateFiles.copy(from, to);
                  }));
      defineAfter.add("vars");
    }
    seeds.addSteps(plan, target, r.adminKey(), instanceId, macs);
    plan.add(
        host.defineStep(target, xml, "define domain " + target + " from " + source, defineAfter));
    if (r.start()) {
      plan.add(host.startStep(target));
    }
    return plan.build();
  }

  private void removeSnapshot(DiskBackend backend, VmName source, String snap, String origin) {
    if (backend.findSnapshot(source, snap).isEmpty()) {
      return;
    }
    if (backend instanceof DiskSnapshots own) {
      host.quiesced(source, own.liveSnapshots(), () -> own.destroySnapshot(source, snap));
    } else {
      backend.releaseOrigin(origin);
    }
  }

  private DiskBackend backendOwning(VmName vm, Path disk) {
    for (DiskBackend b : host.backends) {
      if (b.owner(disk).filter(vm::equals).isPresent()) {
        return b;
      }
    }
    throw KldloadException.precondition(
        "VM " + vm + ": disk " + disk + " was not made by kvm-create or kvm-clone",
        "kvm-clone clones disks in "
            + host.settings.imagesDir()
            + " (qcow2) or under the VM dataset (zfs)");
  }
}
