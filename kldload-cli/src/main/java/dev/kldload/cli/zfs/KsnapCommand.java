package dev.kldload.cli.zfs;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.output.Table;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import dev.kldload.zfs.SnapshotService;
import dev.kldload.zfs.SnapshotService.RollbackDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ksnap}: take, list, roll back to and destroy snapshots. */
@Command(
    name = "ksnap",
    header = "Take, list, roll back and destroy ZFS snapshots.",
    description = {
      "Without a verb, takes manual snapshots (as 'ksnap create'): of the datasets or paths given,",
      "or of the key datasets (ROOT and its boot environments, home and its children, srv,",
      "var/lib) of every pool. Names are <kind>-YYYYMMDD-HHMMSS (UTC), unique within a second;",
      "each snapshot carries com.kldload:owner/role/created."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      KsnapCommand.Create.class,
      KsnapCommand.ListSnapshots.class,
      KsnapCommand.Rollback.class,
      KsnapCommand.Destroy.class,
      KsnapPolicyCommands.Prune.class,
      KsnapPolicyCommands.Auto.class
    },
    footer = {"", "Example:", "  ksnap", "  ksnap create /srv", "  ksnap list rpool/srv -o json"})
public final class KsnapCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;

  @Mixin OutputOption output;

  @Parameters(
      paramLabel = "DATASET|PATH",
      description = "Datasets or paths (default: key datasets).")
  List<String> targets = new ArrayList<>();

  KsnapCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    return create(cli, targets, "manual", mutation, output);
  }

  static Integer create(
      Cli cli, List<String> targets, String kind, MutationOptions mutation, OutputOption output) {
    SnapshotService.requireKind(kind);
    targets.forEach(KsnapCommand::validateTarget);
    SnapshotService service = new SnapshotService(cli.engines().zfs(false), cli.clock());
    List<DatasetName> datasets =
        targets.isEmpty()
            ? service.defaultTargets()
            : targets.stream().map(service::resolve).distinct().toList();
    return Mutation.of(cli, "zfs", "ksnap")
        .options(mutation)
        .output(output)
        .run(() -> service.createPlan(datasets, kind, "ksnap"));
  }

  /** Validates before any lookup, so bad input is exit 2 whatever exists. */
  static void validateTarget(String target) {
    if (target.startsWith("/")) {
      if (target.contains("..") || !target.matches("/[A-Za-z0-9._/-]*")) {
        throw KldloadException.invalid(
            "path '" + target + "' is not valid",
            "give an absolute path of letters, digits, '.', '_', '-' and '/'");
      }
    } else {
      DatasetName.of(target);
    }
  }

  @Command(
      name = "create",
      header = "Take snapshots of datasets or paths (default: the key datasets).",
      mixinStandardHelpOptions = true,
      footer = {
        "",
        "Example:",
        "  ksnap create rpool/srv /home --kind pre-upgrade",
        "  ksnap create --dry-run"
      })
  static final class Create implements Callable<Integer> {
    private final Cli cli;

    @Mixin MutationOptions mutation;

    @Mixin OutputOption output;

    @Option(names = "--kind", paramLabel = "KIND", description = "Name prefix (default: manual).")
    String kind = "manual";

    @Parameters(paramLabel = "DATASET|PATH", description = "Datasets or paths.")
    List<String> targets = new ArrayList<>();

    Create(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      return create(cli, targets, kind, mutation, output);
    }
  }

  @Command(
      name = "list",
      header = "List snapshots, newest first.",
      mixinStandardHelpOptions = true,
      footer = {"", "Example:", "  ksnap list", "  ksnap list rpool/ROOT --kind auto -o json"})
  static final class ListSnapshots implements Callable<Integer> {
    private final Cli cli;

    @Mixin OutputOption output;

    @Option(names = "--kind", paramLabel = "KIND", description = "Only snapshots named KIND-….")
    String kind;

    @Parameters(
        arity = "0..1",
        paramLabel = "DATASET",
        description = "A dataset tree (default: all pools).")
    String dataset;

    ListSnapshots(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      Optional<DatasetName> ds = Optional.ofNullable(dataset).map(DatasetName::of);
      Optional<String> k = Optional.ofNullable(kind).map(SnapshotService::requireKind);
      List<SnapshotView> rows =
          new SnapshotService(cli.engines().zfs(false), cli.clock())
              .list(ds, k).stream().map(SnapshotView::of).toList();
      output
          .renderer()
          .list(
              cli.out(),
              rows,
              Table.of(SnapshotView.class)
                  .column("SNAPSHOT", SnapshotView::name)
                  .column("CREATED", SnapshotView::created)
                  .right("USED", v -> ByteSize.human(v.used()))
                  .column("OWNER", v -> v.owner().isEmpty() ? "-" : v.owner()));
      cli.out().flush();
      return ExitCode.OK.code();
    }
  }

  @Command(
      name = "rollback",
      header = "Roll a dataset back to a snapshot (default: its newest).",
      description = {
        "Refuses when newer snapshots exist (they are listed) unless --destroy-newer, which then",
        "asks on a terminal and needs --yes otherwise. Never rolls back the running root: boot an",
        "earlier boot environment instead."
      },
      mixinStandardHelpOptions = true,
      footer = {
        "",
        "Example:",
        "  ksnap rollback rpool/srv",
        "  ksnap rollback rpool/srv@manual-20261126-101500 --destroy-newer --yes"
      })
  static final class Rollback implements Callable<Integer> {
    private final Cli cli;

    @Mixin MutationOptions mutation;

    @Mixin OutputOption output;

    @Option(names = "--destroy-newer", description = "Destroy the snapshots newer than the target.")
    Boolean destroyNewer = false;

    @Parameters(paramLabel = "DATASET[@SNAP]|PATH", description = "What to roll back.")
    String target;

    Rollback(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      if (target.indexOf('@') >= 0) {
        SnapshotName.parse(target);
      } else {
        validateTarget(target);
      }
      SnapshotService service = new SnapshotService(cli.engines().zfs(false), cli.clock());
      RollbackDecision decision = service.decideRollback(target);
      if (!decision.newer().isEmpty()) {
        if (!destroyNewer) {
          throw KldloadException.conflict(
              "rolling back to "
                  + decision.target()
                  + " would destroy newer snapshots: "
                  + String.join(", ", decision.newer().stream().map(Object::toString).toList()),
              "add --destroy-newer to destroy them, or clone the snapshot with kclone instead");
        }
      }
      Mutation change =
          Mutation.of(cli, "zfs", "ksnap rollback " + target).options(mutation).output(output);
      if (!decision.newer().isEmpty()) {
        change.confirm(
            "Destroy "
                + decision.newer().size()
                + " newer snapshot(s) and roll back to "
                + decision.target()
                + "?");
      }
      return change.run(() -> service.rollbackPlan(decision));
    }
  }

  @Command(
      name = "destroy",
      header = "Destroy one snapshot (refuses anything without '@').",
      mixinStandardHelpOptions = true,
      footer = {"", "Example:", "  ksnap destroy rpool/srv@manual-20261126-101500 --yes"})
  static final class Destroy implements Callable<Integer> {
    private final Cli cli;

    @Mixin MutationOptions mutation;

    @Mixin OutputOption output;

    @Parameters(paramLabel = "DATASET@SNAP", description = "The snapshot.")
    String snapshot;

    Destroy(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      SnapshotName name = SnapshotName.parse(snapshot);
      SnapshotService service = new SnapshotService(cli.engines().zfs(false), cli.clock());
      return Mutation.of(cli, "zfs", "ksnap destroy " + name)
          .options(mutation)
          .output(output)
          .confirm("Destroy snapshot " + name + "?")
          .run(() -> service.destroyPlan(name));
    }
  }
}
