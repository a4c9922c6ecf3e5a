package dev.kldload.kube.orchestrator;

import dev.kldload.core.KldloadException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The hypervisor host's memory and CPUs, which the sizing rule divides among the nodes. */
public record HostCapacity(long memoryMb, int cpus) {
  private static final Pattern MEM_TOTAL =
      Pattern.compile("^MemTotal:\\s+(\\d+) kB$", Pattern.MULTILINE);

  public HostCapacity {
    if (memoryMb <= 0 || cpus <= 0) {
      throw new IllegalArgumentException("host capacity must be positive");
    }
  }

  /** From the text of {@code /proc/meminfo} and the number of online CPUs. */
  public static HostCapacity of(String procMeminfo, int cpus) {
    Matcher m = MEM_TOTAL.matcher(procMeminfo);
    if (!m.find()) {
      throw KldloadException.precondition(
          "/proc/meminfo has no MemTotal line", "is /proc mounted?");
    }
    return new HostCapacity(Long.parseLong(m.group(1)) / 1024, cpus);
  }
}
