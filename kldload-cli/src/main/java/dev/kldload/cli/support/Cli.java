package dev.kldload.cli.support;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.config.Config;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.config.ConfigLoader;
import dev.kldload.core.lock.HeldLocks;
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
import dev.kldload.core.process.ProcessRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What a command may use: its output streams, the environment, configuration, the {@link Engines}
 * and the plan engine. Everything is built lazily, so {@code --help} and {@code --version} load
 * nothing. One instance per invocation; tests build theirs through {@code CliHarness}.
 */
public final class Cli {
  private final PrintWriter out;
  private final PrintWriter err;
  private final Map<String, String> env;
  private final Supplier<BufferedReader> stdin;
  private final boolean stdinTty;
  private final GlobalOptions globals = new GlobalOptions();
  private final CancellationToken cancellation = new CancellationToken();
  private final Clock clock;
  private final Engines engines;
  private Config config;
  private volatile boolean planRunning;

  public Cli(
      PrintWriter out,
      PrintWriter err,
      Map<String, String> env,
      Supplier<BufferedReader> stdin,
      boolean stdinTty,
      Clock clock,
      Function<Cli, Engines> engines) {
    this.out = out;
    this.err = err;
    this.env = Map.copyOf(env);
    this.stdin = stdin;
    this.stdinTty = stdinTty;
    this.clock = clock;
    // built with this Cli, so that engines can show the programs they run at -vv
    this.engines = engines.apply(this);
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

  /**
   * One warning or notice line on stderr, escaped like error lines (it may echo user input). Unless
   * {@code -q}.
   */
  public void warn(String line) {
    if (verbosity() >= 0) {
      err.println(ErrorHandlers.printable(line));
      err.flush();
    }
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

  /** The adapters: built on first use, one set per invocation. */
  public Engines engines() {
    return engines;
  }

  /** What {@code doctor} checks, against the libvirt URI in effect. */
  public List<Probe> probes() {
    return engines.probes(libvirtUri(null));
  }

  /**
   * The libvirt URI in effect: {@code flag} ({@code --connect}), then {@code LIBVIRT_DEFAULT_URI},
   * then config {@code libvirt.uri}. A given but empty or malformed URI is invalid input (exit 2),
   * not a silent fallback and not an unreachable daemon.
   */
  public String libvirtUri(String flag) {
    if (flag != null) {
      return validUri(flag, "--connect");
    }
    String env = this.env.get("LIBVIRT_DEFAULT_URI");
    if (env != null && !env.isBlank()) {
      return validUri(env, "LIBVIRT_DEFAULT_URI");
    }
    return validUri(config().require(ConfigKey.LIBVIRT_URI), "libvirt.uri");
  }

  private static final Pattern URI_SHAPE =
      Pattern.compile("[a-z][a-z0-9+.-]*://[^\\s]*", Pattern.CASE_INSENSITIVE);

  private static String validUri(String uri, String source) {
    boolean valid = URI_SHAPE.matcher(uri).matches();
    if (valid) {
      try {
        new URI(uri);
      } catch (URISyntaxException e) {
        valid = false;
      }
    }
    if (!valid) {
      throw KldloadException.invalid(
          source + " '" + uri + "' is not a libvirt URI",
          "use the form driver[+transport]://[host]/path, e.g. qemu:///system");
    }
    return uri;
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
  public ProcessRunner processRunner(boolean dryRun) {
    return engines.processRunner(dryRun);
  }

  /**
   * Takes the locks of {@code scopes}, each in the run directory and in the state directory (so
   * runs sharing either one exclude each other); exit 5 naming the holder when another command has
   * one.
   */
  public HeldLocks lock(List<String> scopes, String holder) {
    return HeldLocks.acquire(
        List.of(config().runDir(), config().stateDir().resolve("locks")), scopes, holder);
  }

  /**
   * Runs a plan with progress on stderr and a journal in the state directory; in dry-run renders
   * the ordered plan on stdout instead and changes nothing. Failures surface as {@link
   * KldloadException}.
   */
  public ExitCode runPlan(Plan plan, boolean dryRun, OutputFormat format) {
    return runPlan(plan, dryRun, format, result -> {});
  }

  /** As {@link #runPlan(Plan, boolean, OutputFormat)}; {@code seen} gets every step's outcome. */
  public ExitCode runPlan(
      Plan plan, boolean dryRun, OutputFormat format, Consumer<PlanResult> seen) {
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
    seen.accept(result);
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
