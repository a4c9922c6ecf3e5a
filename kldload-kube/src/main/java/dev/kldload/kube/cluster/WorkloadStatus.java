package dev.kldload.kube.cluster;

/** Replica counts of a DaemonSet or Deployment, and whether the rollout is complete. */
public record WorkloadStatus(
    Kind kind, String namespace, String name, int desired, int ready, int updated, int available) {

  /** The two workload kinds kldload waits on. */
  public enum Kind {
    DAEMON_SET("daemonset"),
    DEPLOYMENT("deployment");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** Every desired replica is ready, updated and available (and at least one is desired). */
  public boolean complete() {
    return desired > 0 && ready >= desired && updated >= desired && available >= desired;
  }

  public String display() {
    return kind.label() + " " + namespace + "/" + name + " " + ready + "/" + desired + " ready";
  }
}
