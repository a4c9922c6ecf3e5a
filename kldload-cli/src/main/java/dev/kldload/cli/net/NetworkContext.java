package dev.kldload.cli.net;

import dev.kldload.cli.support.Cli;
import dev.kldload.core.config.Config;
import dev.kldload.core.lock.HostLock;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.linux.IpHostNetwork;
import dev.kldload.net.linux.NftFirewall;
import dev.kldload.net.linux.SystemNameResolver;
import dev.kldload.net.linux.WgToolsWireGuard;
import dev.kldload.net.node.FirewallService;
import dev.kldload.net.node.KubeletPinService;
import dev.kldload.net.node.MeshService;
import dev.kldload.net.node.NodeSettings;
import dev.kldload.net.node.NodeStatusService;
import dev.kldload.net.node.NodeStore;
import java.util.Optional;

/** Builds the network services from the effective configuration, inside call() only. */
final class NetworkContext {
  private NetworkContext() {}

  static MeshService mesh(Cli cli, boolean dryRun) {
    Config config = cli.config();
    ProcessRunner runner = runner(cli, dryRun);
    return new MeshService(
        NetworkPlan.fromConfig(config),
        new NodeStore(config.stateDir()),
        new WgToolsWireGuard(runner),
        new SystemNameResolver(),
        runner,
        NodeSettings.fromConfig(config));
  }

  static FirewallService firewall(Cli cli, boolean dryRun) {
    Config config = cli.config();
    ProcessRunner runner = runner(cli, dryRun);
    return new FirewallService(
        NetworkPlan.fromConfig(config),
        new IpHostNetwork(runner),
        new NftFirewall(runner),
        runner,
        NodeSettings.fromConfig(config));
  }

  static KubeletPinService kubelet(Cli cli, boolean dryRun) {
    Config config = cli.config();
    ProcessRunner runner = runner(cli, dryRun);
    return new KubeletPinService(
        NetworkPlan.fromConfig(config),
        new NodeStore(config.stateDir()),
        new WgToolsWireGuard(runner),
        runner,
        NodeSettings.fromConfig(config));
  }

  static NodeStatusService status(Cli cli) {
    Config config = cli.config();
    ProcessRunner runner = runner(cli, false);
    return new NodeStatusService(
        NetworkPlan.fromConfig(config),
        new NodeStore(config.stateDir()),
        new WgToolsWireGuard(runner),
        new IpHostNetwork(runner),
        cli.clock());
  }

  /** The CLI's runner, shown on stderr from -vv on. */
  private static ProcessRunner runner(Cli cli, boolean dryRun) {
    return EchoingProcessRunner.at(cli.verbosity(), cli.processRunner(dryRun), cli.err());
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

  /** The host lock for a mutation; a dry-run changes nothing and needs none (nor root). */
  static Optional<HostLock> lock(Cli cli, boolean dryRun, Resource resource, String verb) {
    return dryRun
        ? Optional.empty()
        : Optional.of(cli.lock(resource.scope, "kube-network " + verb));
  }
}
