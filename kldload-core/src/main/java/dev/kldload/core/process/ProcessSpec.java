package dev.kldload.core.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One external program invocation: an argument list (never a shell string), a timeout, extra
 * environment, optional standard input and working directory. {@code readOnly} marks calls that
 * only observe (e.g. {@code zfs list}); they run even in dry-run, while mutating calls are recorded
 * instead.
 */
public record ProcessSpec(
    List<String> argv,
    Duration timeout,
    Map<String, String> environment,
    Optional<byte[]> stdin,
    Optional<Path> directory,
    boolean readOnly) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  public ProcessSpec {
    Objects.requireNonNull(argv, "argv");
    if (argv.isEmpty() || argv.get(0).isBlank()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    argv = List.copyOf(argv);
    environment = Map.copyOf(environment);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(directory, "directory");
  }

  public static Builder of(String... argv) {
    return new Builder(List.of(argv));
  }

  public static Builder of(List<String> argv) {
    return new Builder(argv);
  }

  public String program() {
    return argv.get(0);
  }

  /** The command line as an operator would type it, for logs and dry-run output. */
  public String display() {
    StringBuilder sb = new StringBuilder();
    for (String arg : argv) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(ShellQuote.quote(arg));
    }
    return sb.toString();
  }

  /** Builder for the optional parts. */
  public static final class Builder {
    private final List<String> argv;
    private Duration timeout = DEFAULT_TIMEOUT;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private byte[] stdin;
    private Path directory;
    private boolean readOnly;

    private Builder(List<String> argv) {
      this.argv = new ArrayList<>(argv);
    }

    public Builder args(List<String> more) {
      argv.addAll(more);
      return this;
    }

    public Builder timeout(Duration value) {
      this.timeout = value;
      return this;
    }

    public Builder env(String key, String value) {
      environment.put(key, value);
      return this;
    }

    public Builder stdin(byte[] value) {
      this.stdin = value.clone();
      return this;
    }

    public Builder directory(Path value) {
      this.directory = value;
      return this;
    }

    /** This call only observes the system: it runs even in dry-run. */
    public Builder readOnly() {
      this.readOnly = true;
      return this;
    }

    public ProcessSpec build() {
      return new ProcessSpec(
          argv,
          timeout,
          environment,
          Optional.ofNullable(stdin),
          Optional.ofNullable(directory),
          readOnly);
    }
  }
}
