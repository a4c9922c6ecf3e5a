package dev.kldload.core.probe;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** One doctor row: an engine, whether it works, what was seen, and what to do about it. */
public record ProbeResult(
    String name, Status status, boolean required, String purpose, String detail, String hint) {

  /** ok: usable; missing: not there or not working; warn: usable with a limitation. */
  public enum Status {
    OK,
    WARN,
    MISSING;

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static ProbeResult ok(Probe probe, String detail) {
    return new ProbeResult(
        probe.name(), Status.OK, probe.requiredForBootstrap(), probe.purpose(), detail, "");
  }

  public static ProbeResult warn(Probe probe, String detail, String hint) {
    return new ProbeResult(
        probe.name(), Status.WARN, probe.requiredForBootstrap(), probe.purpose(), detail, hint);
  }

  public static ProbeResult missing(Probe probe, String detail, String hint) {
    return new ProbeResult(
        probe.name(), Status.MISSING, probe.requiredForBootstrap(), probe.purpose(), detail, hint);
  }
}
