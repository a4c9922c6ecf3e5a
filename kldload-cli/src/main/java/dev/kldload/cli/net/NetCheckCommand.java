package dev.kldload.cli.net;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.output.Table;
import dev.kldload.net.PlanIssue;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kube-network check}. */
@Command(
    name = "check",
    header = "Check the address plan against itself and the host's routes.",
    description = {
      "Reports every range of the plan (VM network, both planes, pod and service CIDRs) that",
      "overlaps another one or a route of this host. Routes through our own devices are fine.",
      "Exits 0 when clean, 5 (conflict) when anything overlaps."
    },
    mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  kube-network check", "  kube-network check -o json"})
public final class NetCheckCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin OutputOption output;

  NetCheckCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    List<PlanIssue> issues = NetworkContext.status(cli).check();
    output
        .renderer()
        .list(
            cli.out(),
            issues,
            Table.of(PlanIssue.class)
                .column("RANGE", PlanIssue::range)
                .column("CIDR", PlanIssue::cidr)
                .column("CONFLICTS WITH", PlanIssue::conflictsWith)
                .column("DETAIL", PlanIssue::detail));
    if (!issues.isEmpty()) {
      cli.err().println("the address plan overlaps: set the net.* keys to free ranges");
      cli.err().flush();
      return ExitCode.CONFLICT.code();
    }
    return ExitCode.OK.code();
  }
}
