package dev.kldload.cli.support;

import picocli.CommandLine.Option;

/** {@code --dry-run} and {@code --yes}, mixed into every mutating command. */
public final class MutationOptions {
  @Option(
      names = "--dry-run",
      description = "Print the plan and change nothing (works without root).")
  Boolean dryRun = false;

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask for confirmation (needed without a terminal).")
  Boolean yes = false;

  public boolean dryRun() {
    return dryRun;
  }

  public boolean yes() {
    return yes;
  }
}
