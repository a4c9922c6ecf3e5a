package dev.kldload.cli.support;

import dev.kldload.core.ExitCode;
import dev.kldload.core.lock.HeldLocks;
import dev.kldload.core.output.OutputFormat;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanResult;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How every mutating command changes the host, in one place: the lock (never in dry-run, so a
 * dry-run needs no root and no writable run directory), the plan built under that lock, the
 * confirmation (TTY prompt or {@code --yes}; never in dry-run), and the plan run with table or JSON
 * progress.
 *
 * <pre>{@code
 * return Mutation.of(cli, "zfs", "ksnap destroy " + name)
 *     .options(mutation)
 *     .confirm("Destroy snapshot " + name + "?")
 *     .run(() -> service.destroyPlan(name));
 * }</pre>
 */
public final class Mutation {
  private final Cli cli;
  private final List<String> lockScopes;
  private final String holder;
  private boolean dryRun;
  private boolean yes;
  private OutputFormat format = OutputFormat.TABLE;
  private Optional<String> question = Optional.empty();
  private Runnable afterDryRun = () -> {};
  private Consumer<PlanResult> seen = result -> {};

  private Mutation(Cli cli, List<String> lockScopes, String holder) {
    this.cli = cli;
    this.lockScopes = List.copyOf(lockScopes);
    this.holder = holder;
  }

  /**
   * A mutation of what the lock {@code lockScope} guards (a resource: {@code zfs}, {@code
   * firewall}, {@code wireguard}, {@code kvm}…); {@code holder} names the command and object for a
   * waiting one's error message and for "not confirmed".
   */
  public static Mutation of(Cli cli, String lockScope, String holder) {
    return new Mutation(cli, List.of(lockScope), holder);
  }

  /** A mutation of several resources at once (kube-reset: the node, ZFS and the firewall). */
  public static Mutation of(Cli cli, List<String> lockScopes, String holder) {
    return new Mutation(cli, lockScopes, holder);
  }

  /** {@code --dry-run} and {@code --yes}. */
  public Mutation options(MutationOptions options) {
    this.dryRun = options.dryRun();
    this.yes = options.yes();
    return this;
  }

  /** For a command whose dry-run flag is its own (no {@link MutationOptions}). */
  public Mutation dryRun(boolean value) {
    this.dryRun = value;
    return this;
  }

  /** For a command whose confirmation flag is its own, or also comes from the environment. */
  public Mutation yes(boolean value) {
    this.yes = value;
    return this;
  }

  /** {@code -o}: JSON or YAML switches progress to JSON events and the dry-run listing with it. */
  public Mutation output(OutputOption output) {
    this.format = output.format();
    return this;
  }

  /** Ask this before changing anything (after the plan's checks passed); skipped in dry-run. */
  public Mutation confirm(String value) {
    this.question = Optional.of(value);
    return this;
  }

  /** Runs after a dry-run's plan listing, e.g. to show the files the plan would write. */
  public Mutation afterDryRun(Runnable value) {
    this.afterDryRun = value;
    return this;
  }

  /** Gets every step's outcome once the plan ran (a step's time, for a summary). */
  public Mutation onResult(Consumer<PlanResult> value) {
    this.seen = value;
    return this;
  }

  /**
   * Locks, builds the plan, confirms and runs it; returns the exit code. When a step of a real run
   * fails, the plan engine undoes what that run applied; an interrupted run keeps it.
   */
  public int run(Supplier<Plan> plan) {
    try (HeldLocks locks = dryRun ? null : cli.lock(lockScopes, holder)) {
      Plan built = plan.get();
      if (!dryRun && question.isPresent() && !cli.confirm(question.get(), yes)) {
        cli.warn(holder + ": not confirmed; nothing was changed");
        return ExitCode.USAGE.code();
      }
      int code = cli.runPlan(built, dryRun, format, seen).code();
      if (dryRun) {
        afterDryRun.run();
      }
      return code;
    }
  }
}
