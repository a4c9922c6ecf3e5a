package dev.kldload.cli.support;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.config.Config;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.config.ConfigLoader;
import dev.kldload.core.lock.HostLock;
import dev.kldload.core.output.OutputFormat;
import dev.kldload.core.output.Renderer;
import dev.kldload.core.output.Table;
import dev.kldload.core.output.Terminal;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Journal;
import dev.kldload.core.plan.JsonProgress;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.ProgressListener;
import dev.kldload.core.plan.StderrProgress;
import dev.kldload.core.plan.StepOutcome;
import dev.kldload.core.probe.Probe;
import dev.kldload.core.process.DryRunProcessRunner;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.SystemProcessRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a command may use: its output streams, the environment, configuration, the process runner
 * and the plan engine. Everything is built lazily, so {@code --help} and {@code --version} load
 * nothing. One instance per invocation; tests build their own with captured streams and fakes.
 */
public class Cli {
  private final PrintWriter out;
  private final PrintWriter err;
  private final Map<String, String> env;
  private final Supplier<BufferedReader> stdin;
  private final boolean stdinTty;
  private final GlobalOptions globals = new GlobalOptions();
  private final CancellationToken cancellation = new CancellationToken();
  private final Clock clock;
  private final Function<Cli, List<Probe>> probes;
  private Config config;
  private ProcessRunner runner;
  private volatile boolean planRunning;

  public Cli(
      PrintWriter out,
      PrintWriter err,
      Map<String, String> env,
      Supplier<BufferedReader> stdin,
      boolean stdinTty,
      Clock clock,
      Function<Cli, List<Probe>> probes) {
    this.out = out;
    this.err = err;
    this.env = Map.copyOf(env);
    this.stdin = stdin;
    this.stdinTty = stdinTty;
    this.clock = clock;
    this.probes = probes;
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  public Map<String, String> env() {
    return env;
  }

  public GlobalOptions globals() {
    return globals;
  }

  public Clock clock() {
    return clock;
  }

  public CancellationToken cancellation() {
    return cancellation;
  }

  public boolean planRunning() {
    return planRunning;
  }

  public int verbosity() {
    return globals.verbosity();
  }

  public Terminal terminal() {
    return Terminal.detect(globals.color(), env);
  }

  public List<Probe> probes() {
    return probes.apply(this);
  }

  /** Effective configuration: files, then KLDLOAD_* environment, then flags. */
  public synchronized Config config() {
    if (config == null) {
      Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
      globals.stateDir().ifPresent(dir -> flags.put(ConfigKey.STATE_DIR, dir.toString()));
      config = new ConfigLoader(env).load(globals.configFile(), flags);
    }
    return config;
  }

  /** The real runner, or in dry-run one that records mutating calls and still runs reads. */
  public synchronized ProcessRunner processRunner(boolean dryRun) {
    if (runner == null) {
      runner = new SystemProcessRunner();
    }
    return dryRun ? new DryRunProcessRunner(runner) : runner;
  }

  /**
   * Takes the host lock for {@code scope}; exit 5 naming the holder when another command has it.
   */
  public HostLock lock(String scope, String holder) {
    return HostLock.acquire(config().runDir(), scope, holder);
  }

  /**
   * Runs a plan with progress on stderr and a journal in the state directory; in dry-run renders
   * the ordered plan on stdout instead and changes nothing. Failures surface as {@link
   * KldloadException}.
   */
  public ExitCode runPlan(Plan plan, boolean dryRun, OutputFormat format) {
    ProgressListener progress =
        format == OutputFormat.TABLE
            ? new StderrProgress(err, terminal(), verbosity())
            : new JsonProgress(err, clock);
    Optional<Journal> journal =
        dryRun
            ? Optional.empty()
            : Optional.of(
                new Journal(
                    config().stateDir().resolve("journal").resolve(plan.name() + ".jsonl")));
    PlanEngine engine = new PlanEngine(4, journal, progress, cancellation, clock);
    planRunning = true;
    PlanResult result;
    try {
      result = engine.run(plan, dryRun);
    } finally {
      planRunning = false;
    }
    if (dryRun) {
      renderPlan(result, format);
    }
    result.throwIfFailed();
    return result.exitCode();
  }

  /**
   * Runs work that honours {@link #cancellation()} without the plan engine: while it runs, Ctrl-C
   * or SIGTERM cancels it (so its cleanup runs, e.g. a test pod is deleted) instead of ending the
   * process at once.
   */
  public <T> T cancellable(Supplier<T> work) {
    planRunning = true;
    try {
      return work.get();
    } finally {
      planRunning = false;
    }
  }

  /** One row of a dry-run listing. */
  public record PlannedStep(String step, String action, String description) {}

  private void renderPlan(PlanResult result, OutputFormat format) {
    List<PlannedStep> rows =
        result.outcomes().stream()
            .map(o -> new PlannedStep(o.stepId(), action(o), o.description()))
            .toList();
    new Renderer(format)
        .list(
            out,
            rows,
            Table.of(PlannedStep.class)
                .column("STEP", PlannedStep::step)
                .column("ACTION", PlannedStep::action)
                .column("DESCRIPTION", PlannedStep::description));
  }

  private static String action(StepOutcome outcome) {
    return outcome.status().label();
  }

  /**
   * Asks before a destructive action. {@code --yes} answers for the operator; without a terminal
   * and without {@code --yes} the command refuses (exit 2) rather than guess.
   *
   * @return true when confirmed
   */
  public boolean confirm(String question, boolean yes) {
    if (yes) {
      return true;
    }
    if (!stdinTty) {
      throw new KldloadException(
          ErrorKind.INVALID_INPUT,
          question.replaceAll("\\?$", "") + ": needs confirmation and there is no terminal",
          "add --yes to confirm");
    }
    err.print(question + " Type 'yes' to continue: ");
    err.flush();
    try {
      String answer = stdin.get().readLine();
      return answer != null && answer.strip().equals("yes");
    } catch (IOException e) {
      return false;
    }
  }
}
