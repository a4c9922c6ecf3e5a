package dev.kldload.kube.smoke;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link SmokeNode} in memory: files, installed programs and scripted command results. A command
 * nobody scripted fails the test (so a check cannot run something unnoticed); every {@link #fix} is
 * recorded and may change the node (modprobe makes the module appear).
 */
final class InMemorySmokeNode implements SmokeNode {
  private final Map<String, String> files = new HashMap<>();
  private final Set<String> dirs = new HashSet<>();
  private final Set<String> programs = new HashSet<>();
  private final Map<List<String>, ProcessResult> commands = new HashMap<>();
  private final Map<List<String>, Runnable> fixEffects = new HashMap<>();
  private final Map<URI, HttpReply> http = new HashMap<>();
  final List<List<String>> ran = new ArrayList<>();
  final List<List<String>> fixes = new ArrayList<>();

  InMemorySmokeNode file(String path, String content) {
    files.put(path, content);
    for (String p = parent(path); p != null; p = parent(p)) {
      dirs.add(p);
    }
    return this;
  }

  InMemorySmokeNode dir(String path) {
    dirs.add(path);
    for (String p = parent(path); p != null; p = parent(p)) {
      dirs.add(p);
    }
    return this;
  }

  InMemorySmokeNode remove(String path) {
    files.remove(path);
    return this;
  }

  InMemorySmokeNode program(String name) {
    programs.add(name);
    return this;
  }

  InMemorySmokeNode command(int exit, String stdout, String stderr, String... argv) {
    programs.add(argv[0]);
    commands.put(List.of(argv), result(List.of(argv), exit, stdout, stderr));
    return this;
  }

  InMemorySmokeNode http(String url, int status, String body) {
    http.put(URI.create(url), new HttpReply(status, body));
    return this;
  }

  InMemorySmokeNode onFix(Runnable effect, String... argv) {
    fixEffects.put(List.of(argv), effect);
    return this;
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    if (slash <= 0) {
      return path.equals("/") ? null : "/";
    }
    return path.substring(0, slash);
  }

  private static ProcessResult result(List<String> argv, int exit, String out, String err) {
    return new ProcessResult(ProcessSpec.of(argv).build(), exit, out, err, Duration.ZERO);
  }

  @Override
  public Optional<String> read(String path) {
    return Optional.ofNullable(files.get(path));
  }

  @Override
  public boolean exists(String path) {
    return files.containsKey(path) || dirs.contains(path);
  }

  @Override
  public List<String> list(String directory) {
    Set<String> names = new TreeSet<>();
    String prefix = directory.endsWith("/") ? directory : directory + "/";
    for (String p : concat(files.keySet(), dirs)) {
      if (p.startsWith(prefix) && p.length() > prefix.length()) {
        String rest = p.substring(prefix.length());
        names.add(rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest);
      }
    }
    return List.copyOf(names);
  }

  private static Set<String> concat(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  @Override
  public boolean has(String program) {
    return programs.contains(program);
  }

  @Override
  public synchronized Optional<ProcessResult> run(List<String> argv, Duration timeout) {
    if (!programs.contains(argv.get(0))) {
      return Optional.empty();
    }
    ran.add(List.copyOf(argv));
    ProcessResult r = commands.get(argv);
    if (r == null) {
      throw new AssertionError("unscripted command: " + argv);
    }
    return Optional.of(r);
  }

  @Override
  public synchronized ProcessResult fix(List<String> argv, Duration timeout) {
    fixes.add(List.copyOf(argv));
    Runnable effect = fixEffects.get(argv);
    if (effect == null) {
      return result(argv, 1, "", argv.get(0) + ": failed");
    }
    effect.run();
    return result(argv, 0, "", "");
  }

  @Override
  public HttpReply get(URI loopbackUrl, Duration timeout) {
    if (!SmokeNode.isLoopback(loopbackUrl)) {
      throw new IllegalArgumentException("not a loopback URL: " + loopbackUrl);
    }
    HttpReply reply = http.get(loopbackUrl);
    if (reply == null) {
      throw new KldloadException(
          ErrorKind.UNAVAILABLE,
          "GET " + loopbackUrl + ": ConnectException Connection refused",
          null);
    }
    return reply;
  }
}
