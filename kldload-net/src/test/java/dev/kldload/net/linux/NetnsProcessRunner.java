package dev.kldload.net.linux;

import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every program inside a network namespace ({@code ip netns exec NS …}): the adapters under
 * test see that namespace as "the machine".
 */
public final class NetnsProcessRunner implements ProcessRunner {
  private final String namespace;
  private final ProcessRunner delegate;

  public NetnsProcessRunner(String namespace, ProcessRunner delegate) {
    this.namespace = namespace;
    this.delegate = delegate;
  }

  @Override
  public ProcessResult run(ProcessSpec spec) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    argv.addAll(spec.argv());
    ProcessSpec.Builder builder = ProcessSpec.of(argv).timeout(spec.timeout());
    spec.environment().forEach(builder::env);
    spec.stdin().ifPresent(builder::stdin);
    spec.directory().ifPresent(builder::directory);
    if (spec.readOnly()) {
      builder.readOnly();
    }
    return delegate.run(builder.build());
  }

  @Override
  public boolean mutates() {
    return delegate.mutates();
  }
}
