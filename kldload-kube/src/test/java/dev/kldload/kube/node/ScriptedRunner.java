package dev.kldload.kube.node;

import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A process runner for unit tests of node-side plans: each program is answered by a script the test
 * gives (which may change the test's temporary root, as the real program would change the machine);
 * every call is recorded; an unscripted program fails the test.
 */
final class ScriptedRunner implements ProcessRunner {
  private final Map<String, Function<List<String>, Integer>> scripts = new LinkedHashMap<>();
  private final Map<String, Function<List<String>, String>> outputs = new LinkedHashMap<>();
  final List<List<String>> calls = new ArrayList<>();

  ScriptedRunner on(String program, Function<List<String>, Integer> script) {
    scripts.put(program, script);
    return this;
  }

  ScriptedRunner output(String program, Function<List<String>, String> out) {
    outputs.put(program, out);
    return this;
  }

  List<List<String>> mutatingCalls(String program) {
    return calls.stream().filter(c -> c.get(0).equals(program)).toList();
  }

  @Override
  public synchronized ProcessResult run(ProcessSpec spec) {
    calls.add(spec.argv());
    Function<List<String>, Integer> script = scripts.get(spec.program());
    if (script == null) {
      throw new AssertionError("unexpected program run: " + spec.display());
    }
    int exit = script.apply(spec.argv());
    String out = outputs.getOrDefault(spec.program(), a -> "").apply(spec.argv());
    return new ProcessResult(spec, exit, out, exit == 0 ? "" : "scripted failure", Duration.ZERO);
  }
}
