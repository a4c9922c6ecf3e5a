package dev.kldload.cli.net;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.Engines;
import dev.kldload.cli.support.Mutation;
import dev.kldload.core.config.Config;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.node.FirewallService;
import dev.kldload.net.node.KubeletPinService;
import dev.kldload.net.node.MeshService;
import dev.kldload.net.node.NodeSettings;
import dev.kldload.net.node.NodeStatusService;
import dev.kldload.net.node.NodeStore;

/** Builds the network services from the effective configuration, inside call() only. */
final class NetworkContext {
  private NetworkContext() {}

  static MeshService mesh(Cli cli, boolean dryRun) {
    Config config = cli.config();
    Engines engines = cli.engines();
    return new MeshService(
        NetworkPlan.fromConfig(config),
        new NodeStore(config.stateDir()),
        engines.wireGuard(dryRun),
        engines.nameResolver(),
        runner(cli, dryRun),
        NodeSettings.fromConfig(config));
  }

  static FirewallService firewall(Cli cli, boolean dryRun) {
    Config config = cli.config();
    Engines engines = cli.engines();
    return new FirewallService(
        NetworkPlan.fromConfig(config),
        engines.hostNetwork(dryRun),
        engines.firewall(dryRun),
        runner(cli, dryRun),
        NodeSettings.fromConfig(config));
  }

  static KubeletPinService kubelet(Cli cli, boolean dryRun) {
    Config config = cli.config();
    return new KubeletPinService(
        NetworkPlan.fromConfig(config),
        new NodeStore(config.stateDir()),
        cli.engines().wireGuard(dryRun),
        runner(cli, dryRun),
        NodeSettings.fromConfig(config));
  }

  static NodeStatusService status(Cli cli) {
    Config config = cli.config();
    Engines engines = cli.engines();
    return new NodeStatusService(
        NetworkPlan.fromConfig(config),
        new NodeStore(config.stateDir()),
        engines.wireGuard(false),
        engines.hostNetwork(false),
        cli.clock());
  }

  private static ProcessRunner runner(Cli cli, boolean dryRun) {
    return cli.engines().processRunner(dryRun);
  }

  /**
   * Locks are per resource (DESIGN §3), so every tool that changes the same thing waits for the
   * same lock: our WireGuard interfaces and their state, our nft table, the kubelet's settings.
   */
  enum Resource {
    WIREGUARD("wireguard"),
    FIREWALL("firewall"),
    KUBE_NODE("kube-node");

    final String scope;

    Resource(String scope) {
      this.scope = scope;
    }
  }

  /** A change of {@code resource}, under its lock (none in a dry-run). */
  static Mutation mutation(Cli cli, Resource resource, String verb) {
    return Mutation.of(cli, resource.scope, "kube-network " + verb);
  }
}
