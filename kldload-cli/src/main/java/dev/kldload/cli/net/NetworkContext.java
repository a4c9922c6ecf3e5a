package dev.kldload.cli.net;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Engines;
import dev.kldload.cli.support.Mutation;
import dev.kldload.core.config.Config;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.node.NetworkService;
import dev.kldload.net.node.NodeSettings;
import dev.kldload.net.node.NodeStore;
import java.nio.file.Path;

/** Builds the network service from the effective configuration, inside call() only. */
final class NetworkContext {
  static final String LOCK_SCOPE = "kube-network";

  private NetworkContext() {}

  static NetworkService service(Cli cli, boolean dryRun) {
    Config config = cli.config();
    Engines engines = cli.engines();
    ProcessRunner runner = engines.processRunner(dryRun);
    return new NetworkService(
        NetworkPlan.fromConfig(config),
        new NodeStore(config.stateDir()),
        engines.wireGuard(dryRun),
        engines.hostNetwork(dryRun),
        engines.firewall(dryRun),
        runner,
        new NodeSettings(
            Path.of(config.require(ConfigKey.NET_WIREGUARD_DIR)),
            Boolean.parseBoolean(config.require(ConfigKey.NET_BOOT_UNITS)),
            Path.of(config.require(ConfigKey.NET_KUBELET_DEFAULTS)),
            Path.of(config.require(ConfigKey.NET_NFT_FILE)),
            Path.of("/etc/systemd/system")),
        cli.clock());
  }

  /** A change under the host's kube-network lock. */
  static Mutation mutation(Cli cli, String verb) {
    return Mutation.of(cli, LOCK_SCOPE, "kube-network " + verb);
  }
}
