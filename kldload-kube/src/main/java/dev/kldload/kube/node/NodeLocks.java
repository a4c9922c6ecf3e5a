package dev.kldload.kube.node;

/**
 * Host lock scopes the node tools take, one per protected resource (DESIGN §3): a real run holds
 * every scope its plan mutates; a dry-run holds none.
 */
public final class NodeLocks {
  /** The node's Kubernetes state (kubeadm, /etc/kubernetes, containerd). */
  public static final String NODE = "kube-node";

  /** The host's ZFS pools: datasets and snapshots. */
  public static final String ZFS = "zfs";

  /** The host's firewall: our nftables table. */
  public static final String FIREWALL = "firewall";

  private NodeLocks() {}
}
