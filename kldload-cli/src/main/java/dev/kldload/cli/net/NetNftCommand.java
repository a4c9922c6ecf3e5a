package dev.kldload.cli.net;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.net.InterfaceName;
import dev.kldload.net.NftRuleset;
import dev.kldload.net.node.FirewallService;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kube-network nft}. */
@Command(
    name = "nft",
    header = "Install the firewall in table inet kldload (one atomic transaction).",
    description = {
      "Node mode: input policy drop with established/related, lo, ICMP, SSH, both WireGuard",
      "ports and interfaces, the node network, the pod CIDR, 6443 and NodePorts; forward for the",
      "planes, Cilium and the pod CIDR; masquerade out of the LAN interface (the default route's).",
      "--host (the hypervisor): accept rules only, no default drop. Other tables (libvirt's,",
      "Docker's, yours) are never touched; 'flush ruleset' is never used. The ruleset is kept in",
      "/etc/kldload/nftables.nft (net.nft-file), which kldload-nftables.service loads at boot,",
      "before the network comes up; kube-reset removes both table and file."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Example:",
      "  kube-network nft",
      "  kube-network nft --host --dry-run",
      "  kube-network nft --print > kldload.nft"
    })
public final class NetNftCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;
  @Mixin OutputOption output;

  @Option(names = "--host", description = "Hypervisor mode: no default drop.")
  Boolean host = false;

  @Option(
      names = "--lan-interface",
      paramLabel = "IF",
      description = "LAN interface (default: the device of the IPv4 default route).")
  String lanInterface;

  @Option(names = "--print", description = "Print the ruleset on stdout and change nothing.")
  Boolean print = false;

  NetNftCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    boolean dryRun = mutation.dryRun() || print;
    FirewallService service = NetworkContext.firewall(cli, dryRun);
    FirewallService.FirewallPlan plan =
        service.firewall(
            host ? NftRuleset.Mode.HOST : NftRuleset.Mode.NODE,
            Optional.ofNullable(lanInterface).map(InterfaceName::require));
    if (print) {
      cli.out().print(plan.ruleset());
      cli.out().flush();
      return ExitCode.OK.code();
    }
    return NetworkContext.mutation(cli, NetworkContext.Resource.FIREWALL, "nft")
        .dryRun(dryRun)
        .output(output)
        .run(plan::plan);
  }
}
