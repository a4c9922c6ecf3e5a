package dev.kldload.net;

import java.util.Locale;

/** The two WireGuard planes: management (SSH, monitoring) and Kubernetes (kubelet, API, pods). */
public enum PlaneKind {
  MGMT,
  K8S;

  /** {@code mgmt} or {@code k8s}: file names, JSON keys. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
