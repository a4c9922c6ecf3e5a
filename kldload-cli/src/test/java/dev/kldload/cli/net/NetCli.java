package dev.kldload.cli.net;

import dev.kldload.cli.CliHarness;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@code kldload kube-network …} in-process with its own state directories and interface
 * names, optionally with every program run inside a network namespace (so one JVM can play several
 * nodes).
 */
final class NetCli {
  /** One invocation's exit code and output. */
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Map<String, String> env = new LinkedHashMap<>();
  private final Optional<String> namespace;

  NetCli(Path dir, Optional<String> namespace, String mgmtInterface, String k8sInterface) {
    this.namespace = namespace;
    env.put("KLDLOAD_STATE_DIR", dir.resolve("state").toString());
    env.put("KLDLOAD_RUN_DIR", dir.resolve("run").toString());
    env.put("KLDLOAD_NET_WIREGUARD_DIR", dir.resolve("wireguard").toString());
    env.put("KLDLOAD_NET_KUBELET_DEFAULTS", dir.resolve("kubelet").toString());
    env.put("KLDLOAD_NET_BOOT_UNITS", "false");
    env.put("KLDLOAD_NET_NFT_FILE", dir.resolve("nftables.nft").toString());
    env.put("KLDLOAD_NET_MGMT_INTERFACE", mgmtInterface);
    env.put("KLDLOAD_NET_K8S_INTERFACE", k8sInterface);
    env.put("HOME", dir.toString());
    env.put("NO_COLOR", "1");
  }

  /** Drops a variable the harness sets, so a config file's value for that key takes effect. */
  NetCli without(String variable) {
    env.remove(variable);
    return this;
  }

  Result run(String... args) {
    CliHarness harness = CliHarness.harness();
    env.forEach(harness::env);
    namespace.ifPresent(ns -> harness.runner(new InNamespace(ns)));
    List<String> argv = new ArrayList<>(List.of("kube-network"));
    argv.addAll(List.of(args));
    CliHarness.Result r = harness.exec(argv.toArray(String[]::new));
    return new Result(r.exit(), r.out(), r.err());
  }

  private static final ProcessRunner SYSTEM = new SystemProcessRunner();

  /** {@code ip netns exec NS …} around every program. */
  static final class InNamespace implements ProcessRunner {
    private final String namespace;

    InNamespace(String namespace) {
      this.namespace = namespace;
    }

    @Override
    public ProcessResult run(ProcessSpec spec) {
      List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
      argv.addAll(spec.argv());
      ProcessSpec.Builder builder = ProcessSpec.of(argv).timeout(spec.timeout());
      spec.environment().forEach(builder::env);
      spec.stdin().ifPresent(builder::stdin);
      if (spec.readOnly()) {
        builder.readOnly();
      }
      return SYSTEM.run(builder.build());
    }
  }
}
