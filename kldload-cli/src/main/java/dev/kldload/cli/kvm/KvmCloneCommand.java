package dev.kldload.cli.kvm;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.CloneRequest;
import dev.kldload.kvm.service.VmSnapshots;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kvm-clone}: an instant copy-on-write clone with a new identity. */
@Command(
    name = "kvm-clone",
    header = "Clone a VM instantly (copy on write) with a new identity seed.",
    description = {
      "Snapshots the source's disk (pausing a running source meanwhile, and always resuming it),",
      "clones it, copies the UEFI vars, writes a new cloud-init seed (hostname, host keys) and",
      "defines the clone from the source's definition with a new name, no uuid and new MACs.",
      "The clone is defined, not started, unless --start. Prints the time it took. On failure,",
      "whatever this run created is removed; after Ctrl-C or a crash, the same command resumes",
      "with the same snapshot and MACs."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Example:",
      "  kvm-clone k8s-golden web01",
      "  kvm-clone golden web02 --snap clone-20261126-101500-000 --start"
    })
public final class KvmCloneCommand implements Callable<Integer> {
  private final Cli cli;
  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;
  @Mixin ConnectOption connect;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "The VM to clone.")
  String source;

  @Parameters(index = "1", paramLabel = "NEW", description = "Name of the clone.")
  String target;

  @Option(
      names = "--snap",
      paramLabel = "SNAP",
      description = "Clone from this existing disk snapshot.")
  String snap;

  @Option(names = "--ssh-key", paramLabel = "FILE", description = "Admin public key for the seed.")
  String sshKey;

  @Option(names = "--start", description = "Start the clone.")
  Boolean start = false;

  KvmCloneCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    long begin = System.nanoTime();
    CloneRequest request =
        new CloneRequest(
            VmName.of(source),
            VmName.of(target),
            Optional.ofNullable(snap).map(VmSnapshots::validateSnapshotName),
            start,
            KvmArgs.file(sshKey));
    int code;
    try (KvmSession session = KvmSession.open(cli, connect, mutation.dryRun())) {
      code =
          KvmSession.mutation(cli, "kvm-clone " + target)
              .options(mutation)
              .output(output)
              .run(() -> session.services.cloning().clone(request));
    }
    if (!mutation.dryRun() && code == ExitCode.OK.code()) {
      Duration took = Duration.ofNanos(System.nanoTime() - begin);
      cli.out().println("cloned " + source + " to " + target + " in " + took.toMillis() + " ms");
      cli.out().flush();
    }
    return code;
  }
}
