package dev.kldload.cli.kvm;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.output.Table;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.SnapshotInfo;
import dev.kldload.kvm.service.VmSnapshots;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
      "'kvm-snap VM [NAME]' or 'kvm-snap VM snap [NAME]' takes a snapshot (named by the time when",
      "NAME is omitted), pausing a running VM meanwhile and always resuming it. The verbs come",
      "after the VM, as in the original: 'snap' (or 'create'), 'list' (or 'ls'), 'rollback [SNAP]",
      "[--destroy-newer]', 'delete SNAP' (or 'rm'). A verb is never taken for a snapshot name."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      KvmSnapCommand.Take.class,
      KvmSnapCommand.ListSnapshots.class,
      KvmSnapCommand.Rollback.class,
      KvmSnapCommand.Delete.class
    },
    footer = {
      "",
      "Example:",
      "  kvm-snap web01 before-upgrade",
      "  kvm-snap web01 snap before-upgrade",
      "  kvm-snap web01 ls -o json",
      "  kvm-snap web01 rollback before-upgrade --destroy-newer",
      "  kvm-snap web01 rm before-upgrade"
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
          "name the VM first: kvm-snap VM [NAME] | VM snap [NAME] | VM list | VM rollback | VM"
              + " delete SNAP");
    }
    return VmName.of(vm);
  }

  /** The words after the VM that select a verb; none of them names a new snapshot. */
  static final Set<String> VERBS =
      Set.of("snap", "create", "list", "ls", "rollback", "delete", "rm");

  @Override
  public Integer call() {
    return take(snapshot, mutation, output);
  }

  /** Takes a snapshot named {@code name} (default: the time); a verb is refused as a name. */
  int take(String name, MutationOptions options, OutputOption out) {
    VmName vm = vm();
    Optional<String> snap = Optional.ofNullable(name).map(KvmSnapCommand::newSnapshotName);
    try (KvmSession session = KvmSession.open(cli, connect, options.dryRun())) {
      return KvmSession.mutation(cli, "kvm-snap " + vm)
          .options(options)
          .output(out)
          .run(() -> session.services.snapshots().snapshot(vm, snap));
    }
  }

  static String newSnapshotName(String name) {
    VmSnapshots.validateSnapshotName(name);
    if (VERBS.contains(name)) {
      throw KldloadException.invalid(
          "snapshot name '" + name + "' is a kvm-snap verb",
          "choose another name; the verbs are " + String.join(", ", new TreeSet<>(VERBS)));
    }
    return name;
  }

  /** {@code kvm-snap VM snap [NAME]} (also {@code create}), the original's spelling. */
  @Command(
      name = "snap",
      aliases = "create",
      header = "Take a snapshot of the VM (named by the time when NAME is omitted).",
      mixinStandardHelpOptions = true,
      footer = {"", "Example:", "  kvm-snap web01 snap before-upgrade", "  kvm-snap web01 create"})
  static final class Take implements Callable<Integer> {
    @ParentCommand KvmSnapCommand parent;
    @Mixin MutationOptions mutation;
    @Mixin OutputOption output;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "NAME",
        description = "Snapshot name (default: the time).")
    String snapshot;

    @Override
    public Integer call() {
      return parent.take(snapshot, mutation, output);
    }
  }

  /** One row of {@code kvm-snap VM list}. */
  public record SnapshotView(String name, Instant created, String state, String parent) {}

  /** {@code kvm-snap VM list}. */
  @Command(
      name = "list",
      aliases = "ls",
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
                session.services.snapshots().snapshots(parent.vm()).stream()
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
      Optional<String> snap = Optional.ofNullable(snapshot).map(VmSnapshots::validateSnapshotName);
      try (KvmSession session = KvmSession.open(cli, parent.connect, mutation.dryRun())) {
        return KvmSession.mutation(cli, "kvm-snap rollback " + vm)
            .options(mutation)
            .output(output)
            .run(() -> session.services.snapshots().rollback(vm, snap, destroyNewer));
      }
    }
  }

  /** {@code kvm-snap VM delete SNAP}. */
  @Command(
      name = "delete",
      aliases = "rm",
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
      String snap = VmSnapshots.validateSnapshotName(snapshot);
      try (KvmSession session = KvmSession.open(cli, parent.connect, mutation.dryRun())) {
        return KvmSession.mutation(cli, "kvm-snap delete " + vm)
            .options(mutation)
            .output(output)
            .run(() -> session.services.snapshots().deleteSnapshot(vm, snap));
      }
    }
  }
}
