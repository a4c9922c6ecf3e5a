package dev.kldload.kube.orchestrator;

/** What a node is in its cluster. */
public enum Role {
  CONTROL_PLANE("control-plane"),
  WORKER("worker");

  private final String label;

  Role(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
