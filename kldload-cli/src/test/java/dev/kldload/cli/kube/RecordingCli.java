package dev.kldload.cli.kube;

import dev.kldload.cli.CliHarness;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** The text of each {@code --config FILE} as it was when its program ran (files may not stay). */
  final List<String> configs = new ArrayList<>();

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
            int i = spec.argv().indexOf("--config");
            Path config =
                i >= 0 && i + 1 < spec.argv().size() ? Path.of(spec.argv().get(i + 1)) : null;
            if (config != null && Files.isRegularFile(config)) {
              try {
                configs.add(Files.readString(config));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          }
          return new ProcessResult(spec, 0, "", "", Duration.ZERO);
        };
    CliHarness harness = CliHarness.harness().runner(recorder);
    env.forEach(harness::env);
    return harness.exec(args);
  }
}
