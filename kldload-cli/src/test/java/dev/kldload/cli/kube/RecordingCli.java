package dev.kldload.cli.kube;

import dev.kldload.cli.CliHarness;
import dev.kldload.cli.Main;
import dev.kldload.cli.support.Cli;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a kube command in-process with a process runner that records every program it is asked to
 * run (and answers success), so tests can prove that refused input ran nothing.
 */
final class RecordingCli {
  final List<ProcessSpec> ran = new ArrayList<>();
  private final Map<String, String> env = new HashMap<>();

  RecordingCli env(String key, String value) {
    env.put(key, value);
    return this;
  }

  CliHarness.Result exec(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> environment = new HashMap<>(env);
    environment.putIfAbsent("NO_COLOR", "1");
    ProcessRunner recorder =
        spec -> {
          synchronized (ran) {
            ran.add(spec);
          }
          return new ProcessResult(spec, 0, "", "", Duration.ZERO);
        };
    Cli cli =
        new Cli(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            environment,
            () -> new BufferedReader(new StringReader("")),
            false,
            Clock.systemUTC(),
            c -> List.of()) {
          @Override
          public synchronized ProcessRunner processRunner(boolean dryRun) {
            return recorder;
          }
        };
    int exit = Main.run(cli, "kldload", args);
    return new CliHarness.Result(exit, out.toString(), err.toString());
  }
}
