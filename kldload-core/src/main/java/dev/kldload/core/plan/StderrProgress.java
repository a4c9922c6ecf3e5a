package dev.kldload.core.plan;

import dev.kldload.core.output.Terminal;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Human progress on stderr: one permanent line per finished step, prefixed with {@code [mm:ss]}
 * since the plan started, with the step's own elapsed time; on a TTY also a live status line
 * ("[3/10] clone-web01, clone-web02") that is redrawn in place. Dry-runs print nothing here: their
 * plan is the command's data, rendered on stdout by the caller.
 */
public final class StderrProgress implements ProgressListener {
  private final PrintWriter err;
  private final Terminal terminal;
  private final int verbosity;
  private final Set<String> active = new LinkedHashSet<>();
  private int total;
  private int finished;
  private boolean dryRun;
  private boolean liveShown;
  private long startedNanos;

  /** {@code verbosity}: -1 quiet (failures only), 0 normal, 1+ also step notes. */
  public StderrProgress(PrintWriter err, Terminal terminal, int verbosity) {
    this.err = err;
    this.terminal = terminal;
    this.verbosity = verbosity;
  }

  @Override
  public synchronized void planStarted(Plan plan, boolean dryRun) {
    this.total = plan.size();
    this.finished = 0;
    this.dryRun = dryRun;
    this.startedNanos = System.nanoTime();
    if (!dryRun && verbosity >= 0) {
      println(plan.name() + ": " + total + (total == 1 ? " step" : " steps"));
    }
  }

  @Override
  public synchronized void stepStarted(Step step) {
    active.add(step.id());
    redrawLive();
  }

  @Override
  public synchronized void stepNote(Step step, String message) {
    if (verbosity >= 1) {
      println("    " + step.id() + ": " + message);
    } else {
      redrawLive();
    }
  }

  @Override
  public synchronized void stepFinished(StepOutcome outcome) {
    active.remove(outcome.stepId());
    finished++;
    if (dryRun) {
      return;
    }
    boolean bad = !outcome.status().succeeded();
    if (verbosity >= 0 || bad) {
      String mark =
          switch (outcome.status()) {
            case APPLIED -> paint("32", "✓");
            case ALREADY_DONE -> paint("2", "=");
            case FAILED -> paint("31", "✗");
            default -> paint("33", "-");
          };
      StringBuilder line =
          new StringBuilder(sinceStart())
              .append(' ')
              .append(mark)
              .append(' ')
              .append(outcome.stepId())
              .append("  ")
              .append(outcome.description());
      if (outcome.status() == StepStatus.APPLIED || outcome.status() == StepStatus.FAILED) {
        line.append("  (").append(seconds(outcome.elapsed())).append(')');
      }
      if (outcome.status() != StepStatus.APPLIED) {
        line.append("  ").append(outcome.status().label());
      }
      if (!outcome.errorMessage().isEmpty()) {
        line.append(": ").append(outcome.errorMessage());
      }
      println(line.toString());
    }
    redrawLive();
  }

  @Override
  public synchronized void stepUndone(StepOutcome outcome) {
    boolean failed = outcome.status() == StepStatus.UNDO_FAILED;
    StringBuilder line =
        new StringBuilder("  ")
            .append(failed ? paint("31", "✗") : paint("33", "↶"))
            .append(' ')
            .append(outcome.stepId())
            .append("  ")
            .append(outcome.status().label());
    if (failed) {
      line.append(": ").append(outcome.errorMessage());
    }
    println(line.toString());
    redrawLive();
  }

  @Override
  public synchronized void planFinished(PlanResult result) {
    clearLive();
    if (!result.dryRun() && verbosity >= 0) {
      long applied = result.withStatus(StepStatus.APPLIED).size();
      long done = result.withStatus(StepStatus.ALREADY_DONE).size();
      long failed = result.withStatus(StepStatus.FAILED).size();
      long cancelled =
          result.withStatus(StepStatus.CANCELLED).size()
              + result.withStatus(StepStatus.INTERRUPTED).size();
      println(
          String.format(
              Locale.ROOT,
              "%s: %d applied, %d already done, %d failed, %d cancelled in %s",
              result.planName(),
              applied,
              done,
              failed,
              cancelled,
              seconds(result.elapsed())));
    }
    err.flush();
  }

  private void println(String line) {
    clearLive();
    err.println(line);
    err.flush();
  }

  private void redrawLive() {
    if (!terminal.stderrTty() || dryRun || verbosity < 0) {
      return;
    }
    String text = "[" + finished + "/" + total + "] " + String.join(", ", active);
    int width = 100;
    if (text.length() > width) {
      text = text.substring(0, width - 1) + "…";
    }
    err.print("\r\033[K" + text);
    err.flush();
    liveShown = true;
  }

  private void clearLive() {
    if (liveShown) {
      err.print("\r\033[K");
      liveShown = false;
    }
  }

  private String paint(String code, String text) {
    return terminal.colorOnStderr() ? "\033[" + code + "m" + text + "\033[0m" : text;
  }

  /** {@code [mm:ss]} since the plan started, as the original tools prefixed their lines. */
  private String sinceStart() {
    long s = Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds();
    return String.format(Locale.ROOT, "[%02d:%02d]", s / 60, s % 60);
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
  }
}
