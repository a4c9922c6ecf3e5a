package dev.kldload.cli.zfs;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Mutation;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.output.OutputFormat;
import dev.kldload.core.output.Renderer;
import dev.kldload.core.output.Table;
import dev.kldload.zfs.retention.RetentionEngine;
import dev.kldload.zfs.retention.RetentionEngine.Action;
import dev.kldload.zfs.retention.RetentionEngine.Decision;
import dev.kldload.zfs.retention.RetentionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ksnap prune} and {@code ksnap auto}: the retention policy engine. */
final class KsnapPolicyCommands {
  private KsnapPolicyCommands() {}

  static Integer run(
      Cli cli,
      Path policyFile,
      boolean autosnap,
      MutationOptions mutation,
      OutputOption output,
      String name) {
    RetentionPolicy policy =
        policyFile != null
            ? RetentionPolicy.load(policyFile)
            : Files.exists(RetentionPolicy.DEFAULT_FILE)
                ? RetentionPolicy.load(RetentionPolicy.DEFAULT_FILE)
                : RetentionPolicy.defaults();
    RetentionEngine engine = new RetentionEngine(cli.engines().zfs(false), cli.clock());
    List<Decision> decisions = engine.decide(policy, autosnap, true);
    if (mutation.dryRun()) {
      // every keep/destroy/take decision with its reason, before the plan
      new Renderer(OutputFormat.TABLE)
          .list(
              cli.out(),
              decisions,
              Table.of(Decision.class)
                  .column("ACTION", d -> d.action().name().toLowerCase(Locale.ROOT))
                  .column("SNAPSHOT", Decision::snapshot)
                  .column("REASON", Decision::reason));
      cli.out().flush();
    }
    if (decisions.stream().allMatch(d -> d.action() == Action.KEEP)) {
      cli.err().println(name + ": nothing to do (" + decisions.size() + " snapshot(s) kept)");
      return ExitCode.OK.code();
    }
    return Mutation.of(cli, "zfs", "ksnap " + name)
        .options(mutation)
        .output(output)
        .run(() -> engine.plan("ksnap-" + name, decisions));
  }

  @Command(
      name = "prune",
      header = "Destroy our auto snapshots beyond the retention policy's counts.",
      description = {
        "Policy: --policy FILE, else /etc/kldload/snapshots.yaml, else the built-in one (the spec's",
        "bootenv/data/none templates). Never touches snapshots ksnap did not take (name and",
        "com.kldload:owner both checked) nor ones a clone or boot environment depends on.",
        "--dry-run prints every keep/destroy decision with its reason."
      },
      mixinStandardHelpOptions = true,
      footer = {
        "",
        "Example:",
        "  ksnap prune --dry-run",
        "  ksnap prune --policy /etc/kldload/snapshots.yaml"
      })
  static final class Prune implements Callable<Integer> {
    private final Cli cli;

    @Mixin MutationOptions mutation;

    @Mixin OutputOption output;

    @Option(names = "--policy", paramLabel = "FILE", description = "Policy YAML file.")
    Path policy;

    Prune(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      return run(cli, policy, false, mutation, output, "prune");
    }
  }

  @Command(
      name = "auto",
      header = "Take the due auto snapshots and prune by the retention policy (for a timer).",
      description = {
        "For each dataset the policy governs: takes auto-<period> snapshots whose period has none",
        "yet (frequently, hourly, daily, weekly, monthly, yearly, UTC calendar periods), then prunes",
        "as 'ksnap prune'. Run it hourly."
      },
      mixinStandardHelpOptions = true,
      footer = {"", "Example:", "  ksnap auto", "  ksnap auto --dry-run --policy ./snapshots.yaml"})
  static final class Auto implements Callable<Integer> {
    private final Cli cli;

    @Mixin MutationOptions mutation;

    @Mixin OutputOption output;

    @Option(names = "--policy", paramLabel = "FILE", description = "Policy YAML file.")
    Path policy;

    Auto(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      return run(cli, policy, true, mutation, output, "auto");
    }
  }
}
