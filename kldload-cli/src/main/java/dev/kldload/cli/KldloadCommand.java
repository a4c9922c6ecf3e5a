package dev.kldload.cli;

import dev.kldload.cli.doctor.DoctorCommand;
import dev.kldload.cli.kube.KubeInitCommand;
import dev.kldload.cli.kube.KubeJoinCommand;
import dev.kldload.cli.kube.KubeLoadImagesCommand;
import dev.kldload.cli.kube.KubeResetCommand;
import dev.kldload.cli.kube.KubeSetupCommand;
import dev.kldload.cli.kube.KubeStatusCommand;
import dev.kldload.cli.support.GlobalOptions;
import dev.kldload.cli.support.VersionProvider;
import dev.kldload.cli.zfs.KcloneCommand;
import dev.kldload.cli.zfs.KdfCommand;
import dev.kldload.cli.zfs.KsnapCommand;
import dev.kldload.cli.zfs.KstCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root command. Each tool is a subcommand, and also reachable by its own name (multi-call). */
@Command(
    name = "kldload",
    header = "Kubernetes on ZFS-cloned KVM virtual machines, and the KVM and ZFS host tools.",
    description = {
      "Each tool is a subcommand and can also be run by its own name through a symlink to the",
      "launcher: 'ksnap list' is 'kldload ksnap list'."
    },
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    subcommands = {
      DoctorCommand.class,
      CompletionCommand.class,
      KsnapCommand.class,
      KcloneCommand.class,
      KdfCommand.class,
      KstCommand.class,
      KubeSetupCommand.class,
      KubeJoinCommand.class,
      KubeResetCommand.class,
      KubeLoadImagesCommand.class,
      KubeInitCommand.class,
      KubeStatusCommand.class
    },
    footer = {
      "",
      "Example:",
      "  kldload doctor",
      "  kldload doctor -o json | jq '.items[] | select(.status != \"ok\")'"
    })
public final class KldloadCommand implements Runnable {
  @Mixin GlobalOptions globals;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command");
  }
}
