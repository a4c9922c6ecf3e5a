package dev.kldload.core.probe;

import dev.kldload.core.process.Programs;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Present when any of the named programs is on PATH (e.g. xorriso or genisoimage). */
public final class ExecutableProbe implements Probe {
  private final String name;
  private final List<String> programs;
  private final String purpose;
  private final boolean required;

  public ExecutableProbe(String name, List<String> programs, String purpose, boolean required) {
    this.name = name;
    this.programs = List.copyOf(programs);
    this.purpose = purpose;
    this.required = required;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String purpose() {
    return purpose;
  }

  @Override
  public boolean requiredForBootstrap() {
    return required;
  }

  @Override
  public ProbeResult probe() {
    for (String program : programs) {
      Optional<Path> found = Programs.which(program);
      if (found.isPresent()) {
        return ProbeResult.ok(this, found.get().toString());
      }
    }
    String hint =
        programs.stream()
            .map(Programs::bundleHint)
            .flatMap(Optional::stream)
            .findFirst()
            .orElseGet(
                () ->
                    programs.stream()
                        .map(p -> Programs.debianPackage(p).orElse(p))
                        .distinct()
                        .reduce((a, b) -> a + " or " + b)
                        .map(p -> "apt-get install " + p)
                        .orElse(""));
    return ProbeResult.missing(this, String.join(" / ", programs) + " not on PATH", hint);
  }
}
