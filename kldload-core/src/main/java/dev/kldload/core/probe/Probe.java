package dev.kldload.core.probe;

/**
 * One check of the environment for {@code kldload doctor}: is an engine the suite uses present and
 * working? Each module contributes the probes for its own engines.
 */
public interface Probe {
  /** Short stable name, used as the row key ("libzfs_core", "wg", "root"). */
  String name();

  /** What this engine is used for, shown beside the result. */
  String purpose();

  /**
   * Whether a real {@code kube-cluster bootstrap} needs it (doctor exits 6 when one is missing).
   */
  boolean requiredForBootstrap();

  /** Observes the environment. Must not throw: failures become a MISSING result. */
  ProbeResult probe();
}
