package dev.kldload.cli.support;

import dev.kldload.core.KldloadException;
import dev.kldload.core.output.ColorMode;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every command accepts, anywhere on the line ({@code kldload -v ksnap list} and {@code
 * ksnap list -v} are the same): picocli copies inherited options to each subcommand but binds them
 * to this one object.
 */
public final class GlobalOptions {
  private int verbosity;
  private boolean quiet;
  private ColorMode color = ColorMode.AUTO;
  private Path stateDir;
  private Path configFile;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "More detail on stderr: -v info, -vv debug and stack traces, -vvv trace.")
  void setVerbose(boolean[] flags) {
    verbosity = flags.length;
  }

  @Option(
      names = {"-q", "--quiet"},
      scope = ScopeType.INHERIT,
      description = "Only errors on stderr.")
  void setQuiet(boolean value) {
    quiet = value;
  }

  @Option(
      names = "--color",
      scope = ScopeType.INHERIT,
      paramLabel = "WHEN",
      description = "auto, always or never (default: auto; NO_COLOR is honoured).")
  void setColor(ColorMode value) {
    color = value;
  }

  @Option(
      names = "--state-dir",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "State directory (default /var/lib/kldload; env KLDLOAD_STATE_DIR).")
  void setStateDir(String value) {
    stateDir = nonEmptyPath("--state-dir", value);
  }

  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "Read this YAML file instead of /etc/kldload and ~/.config/kldload.")
  void setConfigFile(String value) {
    configFile = nonEmptyPath("--config", value);
  }

  /** An empty path would silently mean the working directory. */
  private static Path nonEmptyPath(String option, String value) {
    if (value.isBlank()) {
      throw KldloadException.invalid(option + " is empty", "give a path, or leave the option out");
    }
    return Path.of(value);
  }

  /** -1 quiet, 0 normal, 1..3 with -v..-vvv. */
  public int verbosity() {
    return quiet ? -1 : verbosity;
  }

  public ColorMode color() {
    return color;
  }

  public Optional<Path> stateDir() {
    return Optional.ofNullable(stateDir);
  }

  public Optional<Path> configFile() {
    return Optional.ofNullable(configFile);
  }
}
