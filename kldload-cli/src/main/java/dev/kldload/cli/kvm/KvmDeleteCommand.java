package dev.kldload.cli.kvm;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.value.VmName;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kvm-delete}: removes a VM we made, and everything of it. */
@Command(
    name = "kvm-delete",
    header = "Delete a VM: domain, disk, UEFI vars, seed and pinned host key.",
    description = {
      "Everything that can refuse is checked first, and a refusal changes nothing: clones that",
      "depend on the disk are named with how to detach them; a running VM needs --force (it is",
      "powered off); a domain kldload did not create (no kldload metadata) needs --force, and",
      "then only disks kldload made are removed. Asks for confirmation unless --yes."
    },
    mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  kvm-delete web01 --yes", "  kvm-delete old-vm --force --yes"})
public final class KvmDeleteCommand implements Callable<Integer> {
  private final Cli cli;
  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;
  @Mixin ConnectOption connect;

  @Parameters(index = "0", paramLabel = "VM", description = "The VM to delete.")
  String name;

  @Option(
      names = "--force",
      description = "Power off a running VM; delete a domain without kldload metadata.")
  Boolean force = false;

  KvmDeleteCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    VmName vm = VmName.of(name);
    try (KvmSession session = KvmSession.open(cli, connect, mutation.dryRun())) {
      return KvmSession.mutation(cli, "kvm-delete " + vm)
          .options(mutation)
          .output(output)
          .confirm("Delete VM " + vm + " and its disk? This cannot be undone.")
          .run(() -> session.services.deletion().delete(vm, force));
    }
  }
}
