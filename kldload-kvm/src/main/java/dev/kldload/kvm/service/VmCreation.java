package dev.kldload.kvm.service;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Decisions;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.CreateRequest;
import dev.kldload.kvm.disk.DiskBackend;
import dev.kldload.kvm.xml.DomainMetadata;
import dev.kldload.kvm.xml.DomainSpec;
import dev.kldload.kvm.xml.DomainXmlWriter;
import dev.kldload.kvm.xml.MacAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code kvm-create}: checks the request completely (bad input or a refusal changes nothing), then
 * plans disk, seed, define and start. The MAC and the seed's instance-id are decided once per VM
 * and reused by a re-run of the same request, which resumes what an interrupted run left.
 */
public final class VmCreation {
  private final VmHost host;
  private final Seeds seeds;

  VmCreation(VmHost host) {
    this.host = host;
    this.seeds = new Seeds(host);
  }

  public Plan create(CreateRequest r, DiskBackend backend) {
    VmName vm = r.name();
    Decisions decisions = host.decisions(vm);
    String request = VmHost.fingerprint("kvm-create", backend.name(), r);
    boolean resuming = decisions.recorded("request").filter(request::equals).isPresent();
    if (!resuming) {
      host.requireAbsent(vm, "kvm-create");
      host.requireNoDisk(backend, vm, "kvm-create");
    }
    r.installer().ifPresent(p -> VmHost.requireReadable(vm, p, "ISO"));
    r.image().ifPresent(p -> VmHost.requireReadable(vm, p, "image"));
    r.directBoot()
        .ifPresent(
            boot -> {
              VmHost.requireReadable(vm, boot.kernel(), "kernel");
              boot.initrd().ifPresent(p -> VmHost.requireReadable(vm, p, "initrd"));
            });
    if (r.directBoot().isPresent() && r.installer().isPresent()) {
      throw KldloadException.invalid(
          "VM " + vm + ": --kernel and --iso exclude each other",
          "boot the installer ISO, or a kernel with an image");
    }
    if (r.installer().isPresent() && r.image().isPresent()) {
      throw KldloadException.invalid(
          "VM " + vm + ": --iso and --image exclude each other", "give one of them");
    }
    host.requireNetwork(vm, r.nic());
    if (r.uefi()) {
      requireOvmf(vm);
    }
    r.adminKey().ifPresent(p -> Seeds.readPublicKey(vm, p));

    if (!resuming) {
      // an earlier request's choices: its objects are gone (checked above)
      decisions.forget();
    }
    decisions.decide("request", () -> request);
    MacAddress mac = new MacAddress(decisions.decide("mac.0", () -> MacAddress.random().value()));
    Optional<Path> seed = r.image().map(i -> host.seedPath(vm));
    DomainSpec.Nic nic = r.nic().withMac(mac);
    DomainSpec spec =
        new DomainSpec(
            vm,
            host.settings.virtType(),
            r.memory(),
            r.vcpus(),
            r.uefi()
                ? new DomainSpec.Uefi(
                    host.settings.ovmfCode(), host.settings.ovmfVars(), host.varsPath(vm))
                : new DomainSpec.Bios(),
            List.of(backend.diskOf(vm)),
            seed,
            r.installer(),
            List.of(nic),
            r.vncListen(),
            DomainMetadata.vm("kvm-create"),
            r.directBoot(),
            r.os());
    String xml = DomainXmlWriter.write(spec);

    Path disk = backend.diskOf(vm).path();
    Plan.Builder plan = Plan.builder("kvm-create-" + vm);
    plan.add(
        Step.named("disk")
            .description(
                r.image()
                    .map(i -> "copy " + i + " to " + disk + " (" + r.disk() + ")")
                    .orElse("create " + r.disk() + " " + backend.name() + " disk " + disk))
            .creates(disk.toString())
            .doneWhen(c -> VmHost.hasDisk(backend, vm))
            .undo(c -> backend.destroy(vm))
            .apply(
                c -> {
                  if (r.image().isPresent()) {
                    backend.createFromImage(vm, r.image().get(), r.disk());
                  } else {
                    backend.create(vm, r.disk());
                  }
                }));
    List<String> defineAfter = new ArrayList<>(List.of("disk"));
    if (seed.isPresent()) {
      String instanceId =
          decisions.decide(
              "instance-id", () -> vm + "-" + UUID.randomUUID().toString().substring(0, 8));
      seeds.addSteps(plan, vm, r.adminKey(), instanceId, List.of(mac));
      defineAfter.add("seed");
    }
    plan.add(
        host.defineStep(
            vm,
            xml,
            "define domain " + vm + " (" + r.memory() + ", " + r.vcpus() + " vCPUs)",
            defineAfter));
    if (r.start()) {
      plan.add(host.startStep(vm));
    }
    return plan.build();
  }

  private void requireOvmf(VmName vm) {
    if (!Files.isReadable(host.settings.ovmfCode())
        || !Files.isReadable(host.settings.ovmfVars())) {
      throw KldloadException.precondition(
          "VM " + vm + ": UEFI firmware " + host.settings.ovmfCode() + " is not installed",
          "apt-get install ovmf, or use --firmware bios");
    }
  }
}
