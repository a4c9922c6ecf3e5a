package dev.kldload.cli.doctor;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.ExitCode;
import dev.kldload.core.output.OutputFormat;
import dev.kldload.core.output.Renderer;
import dev.kldload.core.output.Table;
import dev.kldload.core.probe.Probe;
import dev.kldload.core.probe.ProbeResult;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kldload doctor}: is every engine the suite needs here and working? */
@Command(
    name = "doctor",
    header = "Check every engine the suite uses and say what to install.",
    description = {
      "Probes libzfs_core and /dev/zfs, libvirt and its connection, /dev/kvm, WireGuard (kernel or",
      "wireguard-go), nft, qemu-img, xorriso or genisoimage, ssh-keygen, kubectl and root.",
      "Exits 0 when everything a real bootstrap needs is present, 6 otherwise."
    },
    mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  kldload doctor", "  kldload doctor -o json"})
public final class DoctorCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin OutputOption output;

  DoctorCommand(Cli cli) {
    this.cli = cli;
  }

  /** The report: whether a bootstrap can run here, then one row per probe. */
  public record DoctorView(boolean ready, List<ProbeResult> items) {}

  @Override
  public Integer call() {
    List<ProbeResult> results = cli.probes().stream().map(DoctorCommand::safeProbe).toList();
    boolean ready =
        results.stream().noneMatch(r -> r.required() && r.status() == ProbeResult.Status.MISSING);
    DoctorView view = new DoctorView(ready, results);
    if (output.format() == OutputFormat.TABLE) {
      cli.out()
          .print(
              Table.of(ProbeResult.class)
                  .column("CHECK", ProbeResult::name)
                  .column("STATUS", ProbeResult::status)
                  .column("NEEDED", r -> r.required() ? "bootstrap" : "optional")
                  .column("DETAIL", ProbeResult::detail)
                  .column("HINT", r -> r.hint().isEmpty() ? "-" : r.hint())
                  .render(results));
      cli.out().flush();
      if (cli.verbosity() >= 0) {
        cli.err()
            .println(
                ready ? "ready for a real bootstrap" : "not ready: install what is missing above");
        cli.err().flush();
      }
    } else {
      output.renderer().single(cli.out(), view, v -> Renderer.toJson(v));
    }
    return (ready ? ExitCode.OK : ExitCode.PRECONDITION).code();
  }

  private static ProbeResult safeProbe(Probe probe) {
    try {
      return probe.probe();
    } catch (RuntimeException | LinkageError e) {
      return ProbeResult.missing(probe, "probe failed: " + e, "report this");
    }
  }
}
