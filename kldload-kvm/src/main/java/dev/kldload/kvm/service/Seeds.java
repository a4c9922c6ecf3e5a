package dev.kldload.kvm.service;

import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.value.HostName;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.seed.AdminKey;
import dev.kldload.kvm.seed.HostKeys;
import dev.kldload.kvm.seed.NoCloudSeed;
import dev.kldload.kvm.seed.SeedRequest;
import dev.kldload.kvm.xml.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cloud-init seed steps of a create or clone: the shared admin key (generated once, when none
 * is given) and the VM's seed with its pinned host key.
 */
final class Seeds {
  private final VmHost host;

  Seeds(VmHost host) {
    this.host = host;
  }

  /**
   * Adds {@code admin-key} (when {@code adminKey} is empty) and {@code seed}. The seed counts as
   * done only when it carries {@code instanceId} and {@code macs}, the run's decisions; its undo
   * removes the seed and the pinned key, not the decisions (a re-run reuses them).
   */
  void addSteps(
      Plan.Builder plan,
      VmName vm,
      Optional<Path> adminKey,
      String instanceId,
      List<MacAddress> macs) {
    Path generated = AdminKey.privateKey(host.settings.stateDir());
    Path publicKey = adminKey.orElse(AdminKey.publicKey(host.settings.stateDir()));
    List<String> after = new ArrayList<>();
    if (adminKey.isEmpty()) {
      // shared by every VM: never undone
      plan.add(
          Step.named("admin-key")
              .description("generate the admin SSH key " + generated)
              .creates(generated.toString())
              .doneWhen(c -> Files.exists(publicKey))
              .apply(c -> AdminKey.generate(host.runner, generated)));
      after.add("admin-key");
    }
    Path iso = host.seedPath(vm);
    Path pinned = host.stateDir(vm).resolve("ssh_host_ed25519_key.pub");
    plan.add(
        Step.named("seed")
            .description("write the cloud-init seed " + iso + " (hostname, host key, admin key)")
            .after(after)
            .creates(iso.toString(), pinned.toString())
            .doneWhen(c -> NoCloudSeed.carries(iso, instanceId, macs) && Files.exists(pinned))
            .undo(
                c -> {
                  Files.deleteIfExists(iso);
                  Files.deleteIfExists(pinned);
                })
            .apply(
                c -> {
                  HostKeys keys = HostKeys.generate(host.runner, vm.value());
                  Files.createDirectories(pinned.getParent());
                  Files.writeString(pinned, keys.publicKey() + "\n");
                  SeedRequest request =
                      new SeedRequest(
                          instanceId,
                          HostName.of(vm.value()),
                          readPublicKey(vm, publicKey),
                          keys,
                          macs,
                          List.of());
                  new NoCloudSeed(host.runner).writeIso(request, iso);
                }));
  }

  static String readPublicKey(VmName vm, Path file) {
    try {
      String key = Files.readString(file).strip();
      if (!key.startsWith("ssh-") && !key.startsWith("ecdsa-")) {
        throw KldloadException.invalid(
            "VM " + vm + ": " + file + " is not an SSH public key", "give the .pub file");
      }
      return key;
    } catch (IOException e) {
      throw KldloadException.invalid(
          "VM " + vm + ": SSH public key " + file + " cannot be read", "check the path");
    }
  }
}
