package dev.kldload.cli.kube;

import dev.kldload.cli.CliHarness;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
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
    ProcessRunner recorder =
        spec -> {
          synchronized (ran) {
            ran.add(spec);
          }
          return new ProcessResult(spec, 0, "", "", Duration.ZERO);
        };
    CliHarness harness = CliHarness.harness().runner(recorder);
    env.forEach(harness::env);
    return harness.exec(args);
  }
}
