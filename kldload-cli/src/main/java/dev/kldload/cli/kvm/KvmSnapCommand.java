package dev.kldload.cli.kvm;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.output.Table;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.KvmService;
import dev.kldload.kvm.SnapshotInfo;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kvm-snap}: take, list, roll back to and delete VM snapshots. */
@Command(
    name = "kvm-snap",
    header = "Take, list, roll back to or delete snapshots of a VM.",
    description = {
      "'kvm-snap VM [NAME]' takes a snapshot (named by the time when NAME is omitted), pausing a",
      "running VM meanwhile and always resuming it. The verbs come after the VM:",
      "'kvm-snap VM list', 'kvm-snap VM rollback [SNAP] [--destroy-newer]', 'kvm-snap VM delete SNAP'."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      KvmSnapCommand.ListSnapshots.class,
      KvmSnapCommand.Rollback.class,
      KvmSnapCommand.Delete.class
    },
    footer = {
      "",
      "Example:",
      "  kvm-snap web01 before-upgrade",
      "  kvm-snap web01 list -o json",
      "  kvm-snap web01 rollback before-upgrade --destroy-newer"
    })
public final class KvmSnapCommand implements Callable<Integer> {
  private final Cli cli;
  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;
  @Mixin ConnectOption connect;

  // optional to the parser so that 'kvm-snap list --help' shows the verb's help; vm() requires it
  @Parameters(index = "0", arity = "0..1", paramLabel = "VM", description = "The VM.")
  String vm;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "NAME",
      description = "Snapshot name (default: the time).")
  String snapshot;

  KvmSnapCommand(Cli cli) {
    this.cli = cli;
  }

  VmName vm() {
    if (vm == null) {
      throw KldloadException.invalid(
          "missing VM",
          "name the VM first: kvm-snap VM [NAME] | VM list | VM rollback | VM delete");
    }
    return VmName.of(vm);
  }

  @Override
  public Integer call() {
    VmName name = vm();
    Optional<String> snap = Optional.ofNullable(snapshot).map(KvmService::validateSnapshotName);
    try (KvmSession session = KvmSession.open(cli, connect, mutation.dryRun())) {
      return Mutation.of(cli, "kvm", "kvm-snap " + name)
          .options(mutation)
          .output(output)
          .runPrepared(() -> KvmSession.prepared(session.service.snapshot(name, snap)));
    }
  }

  /** One row of {@code kvm-snap VM list}. */
  public record SnapshotView(String name, Instant created, String state, String parent) {}

  /** {@code kvm-snap VM list}. */
  @Command(
      name = "list",
      header = "List the VM's snapshots, oldest first.",
      mixinStandardHelpOptions = true,
      footer = {"", "Example:", "  kvm-snap web01 list", "  kvm-snap web01 list -o yaml"})
  static final class ListSnapshots implements Callable<Integer> {
    private final Cli cli;
    @ParentCommand KvmSnapCommand parent;
    @Mixin OutputOption output;

    ListSnapshots(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      try (KvmSession session = KvmSession.open(cli, parent.connect, false)) {
        output
            .renderer()
            .list(
                cli.out(),
                session.service.snapshots(parent.vm()).stream()
                    .map(
                        (SnapshotInfo s) ->
                            new SnapshotView(
                                s.name(), s.created(), s.state().label(), s.parent().orElse(null)))
                    .toList(),
                Table.of(SnapshotView.class)
                    .column("NAME", SnapshotView::name)
                    .column("CREATED", SnapshotView::created)
                    .column("STATE", SnapshotView::state)
                    .column("PARENT", SnapshotView::parent));
      }
      return ExitCode.OK.code();
    }
  }

  /** {@code kvm-snap VM rollback [SNAP] [--destroy-newer]}. */
  @Command(
      name = "rollback",
      header = "Roll the VM back to a snapshot (default: the newest).",
      description = {
        "Snapshots newer than the target are destroyed: without --destroy-newer the command names",
        "them and changes nothing. A VM that was running is started again."
      },
      mixinStandardHelpOptions = true,
      footer = {
        "",
        "Example:",
        "  kvm-snap web01 rollback",
        "  kvm-snap web01 rollback before-upgrade --destroy-newer"
      })
  static final class Rollback implements Callable<Integer> {
    private final Cli cli;
    @ParentCommand KvmSnapCommand parent;
    @Mixin MutationOptions mutation;
    @Mixin OutputOption output;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SNAP", description = "Target snapshot.")
    String snapshot;

    @Option(names = "--destroy-newer", description = "Destroy the snapshots newer than the target.")
    Boolean destroyNewer = false;

    Rollback(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      VmName vm = parent.vm();
      Optional<String> snap = Optional.ofNullable(snapshot).map(KvmService::validateSnapshotName);
      try (KvmSession session = KvmSession.open(cli, parent.connect, mutation.dryRun())) {
        return Mutation.of(cli, "kvm", "kvm-snap rollback " + vm)
            .options(mutation)
            .output(output)
            .runPrepared(
                () -> KvmSession.prepared(session.service.rollback(vm, snap, destroyNewer)));
      }
    }
  }

  /** {@code kvm-snap VM delete SNAP}. */
  @Command(
      name = "delete",
      header = "Delete one snapshot of the VM.",
      mixinStandardHelpOptions = true,
      footer = {"", "Example:", "  kvm-snap web01 delete before-upgrade"})
  static final class Delete implements Callable<Integer> {
    private final Cli cli;
    @ParentCommand KvmSnapCommand parent;
    @Mixin MutationOptions mutation;
    @Mixin OutputOption output;

    @Parameters(index = "0", paramLabel = "SNAP", description = "The snapshot to delete.")
    String snapshot;

    Delete(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      VmName vm = parent.vm();
      String snap = KvmService.validateSnapshotName(snapshot);
      try (KvmSession session = KvmSession.open(cli, parent.connect, mutation.dryRun())) {
        return Mutation.of(cli, "kvm", "kvm-snap delete " + vm)
            .options(mutation)
            .output(output)
            .runPrepared(() -> KvmSession.prepared(session.service.deleteSnapshot(vm, snap)));
      }
    }
  }
}
