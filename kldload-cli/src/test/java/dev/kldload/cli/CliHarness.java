package dev.kldload.cli;

import dev.kldload.cli.support.Cli;
import dev.kldload.core.probe.Probe;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs the CLI in-process with captured streams: {@code CliHarness.run("kvm-list", "-o", "json")}.
 * Every assertion message should print all three parts of the {@link Result}.
 */
public final class CliHarness {
  private final Map<String, String> env = new HashMap<>();
  private Function<Cli, List<Probe>> probes = c -> List.of();
  private String stdin = "";
  private boolean tty;
  private String prog = "kldload";

  public static CliHarness harness() {
    return new CliHarness();
  }

  /** Runs {@code kldload ARGS} with an empty environment and no probes. */
  public static Result run(String... args) {
    return new CliHarness().exec(args);
  }

  public CliHarness env(String key, String value) {
    env.put(key, value);
    return this;
  }

  public CliHarness probes(Function<Cli, List<Probe>> value) {
    this.probes = value;
    return this;
  }

  /** Input typed on a terminal (answers to confirmations). */
  public CliHarness terminalInput(String text) {
    this.stdin = text;
    this.tty = true;
    return this;
  }

  /** Runs as if invoked through a symlink named {@code name}. */
  public CliHarness invokedAs(String name) {
    this.prog = name;
    return this;
  }

  public Result exec(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> environment = new HashMap<>(env);
    environment.putIfAbsent("NO_COLOR", "1");
    environment.putIfAbsent("HOME", System.getProperty("java.io.tmpdir"));
    Cli cli =
        new Cli(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            environment,
            () -> new BufferedReader(new StringReader(stdin)),
            tty,
            Clock.systemUTC(),
            probes);
    int exit = Main.run(cli, prog, args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** What one invocation left. */
  public record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
  }
}
