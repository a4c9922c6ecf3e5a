package dev.kldload.cli.kvm;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.output.Table;
import dev.kldload.core.value.ByteSize;
import dev.kldload.kvm.VmView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kvm-list}: every domain with state, size and clone origin. */
@Command(
    name = "kvm-list",
    header = "List virtual machines: state, memory, vCPUs, disk size and use, clone origin.",
    description = {
      "One row per libvirt domain, read through the libvirt API (one definition read per",
      "domain; no programs run). DISK and USED are known for disks kldload made; '-' otherwise.",
      "STATE is libvirt's (running, paused, shut-off, ...), or 'saved' for a stopped VM whose",
      "memory was saved: starting it resumes the guest where it was."
    },
    mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  kvm-list", "  kvm-list -o json --connect test:///default"})
public final class KvmListCommand implements Callable<Integer> {
  private final Cli cli;
  @Mixin OutputOption output;
  @Mixin ConnectOption connect;

  KvmListCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    try (KvmSession session = KvmSession.open(cli, connect, false)) {
      output
          .renderer()
          .list(
              cli.out(),
              session.services.inventory().list(),
              Table.of(VmView.class)
                  .column("NAME", VmView::name)
                  .column("STATE", VmView::state)
                  .right("RAM", v -> ByteSize.human(v.memoryBytes()))
                  .right("VCPUS", VmView::vcpus)
                  .right("DISK", v -> v.diskBytes() == null ? null : ByteSize.human(v.diskBytes()))
                  .right("USED", v -> v.usedBytes() == null ? null : ByteSize.human(v.usedBytes()))
                  .column("ORIGIN", VmView::origin));
    }
    return ExitCode.OK.code();
  }
}
