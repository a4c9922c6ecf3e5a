package dev.kldload.kube.node;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.Programs;
import dev.kldload.core.value.DatasetName;
import dev.kldload.zfs.Zfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code kube-reset}: returns a node to its state before kube-init/kube-join. Snapshot first (when
 * / is on ZFS), then {@code kubeadm reset -f}, then the cluster state files. Firewall: only
 * kldload's own nftables table ({@code inet kldload}) is removed; iptables and every other table
 * are left alone (the original flushed all of iptables, taking libvirt's and others' rules).
 * Packages and the kube-setup datasets stay; the datasets' contents are emptied.
 */
public final class KubeReset {
  /** Files and directories removed outright. */
  static final List<String> REMOVE =
      List.of(
          "/etc/kubernetes/manifests",
          "/etc/kubernetes/pki",
          "/etc/kubernetes/admin.conf",
          "/etc/kubernetes/kubelet.conf",
          "/etc/kubernetes/controller-manager.conf",
          "/etc/kubernetes/scheduler.conf",
          "/etc/kubernetes/super-admin.conf",
          // where the original shell tools left the join token; nodes they set up still have it
          "/etc/kubernetes/join-command.sh",
          JoinCommand.FILE,
          // the cluster's other secrets kube-init and kube-join leave (0600)
          JoinCommand.CERTIFICATE_KEY_FILE,
          KubeInit.KUBELET_TOKEN,
          KubeJoin.CONFIG,
          "/root/.kube/config",
          "/var/run/cilium");

  /** Directories emptied but kept (they may be our ZFS datasets' mountpoints). */
  static final List<String> EMPTY = List.of("/var/lib/kubelet", "/var/lib/etcd", "/etc/cni/net.d");

  private final NodeSystem sys;
  private final Supplier<Zfs> zfs;
  private final Path nftFile;

  /**
   * @param nftFile the ruleset kube-network nft keeps for boot (net.nft-file), removed with the
   *     table so the firewall does not come back at the next boot
   */
  public KubeReset(NodeSystem sys, Supplier<Zfs> zfs, Path nftFile) {
    this.sys = sys;
    this.zfs = zfs;
    this.nftFile = nftFile;
  }

  public Plan plan(Instant now) {
    Plan.Builder plan = Plan.builder("kube-reset");
    List<String> first = new ArrayList<>();
    Optional<DatasetName> root = sys.rootDataset();
    if (root.isPresent()) {
      plan.add(PreOpSnapshot.step(zfs.get(), DatasetName.of(root.get().pool()), "kube-reset", now));
      first.add("snapshot");
    }
    plan.add(
        Step.named("kubeadm-reset")
            .description("kubeadm reset -f (stops the static pods, unmounts pod volumes)")
            .after(first)
            .doneWhen(ctx -> leftovers().isEmpty() || Programs.which("kubeadm").isEmpty())
            .apply(
                ctx -> {
                  ProcessResult r =
                      sys.runner()
                          .run(
                              ProcessSpec.of("kubeadm", "reset", "-f")
                                  .timeout(Duration.ofMinutes(5))
                                  .build());
                  if (!r.ok()) {
                    throw new KldloadException(
                        ErrorKind.FAILED,
                        "kubeadm reset exited " + r.exitCode() + ": " + r.errorTail(),
                        "fix the cause and re-run kube-reset --yes");
                  }
                }));
    plan.add(
        Step.named("remove-state")
            .description(
                "remove cluster state: "
                    + String.join(", ", REMOVE)
                    + "; empty "
                    + String.join(", ", EMPTY))
            .after("kubeadm-reset")
            .doneWhen(ctx -> leftovers().isEmpty())
            .apply(
                ctx -> {
                  for (String p : REMOVE) {
                    deleteTree(sys.path(p), true);
                  }
                  for (String p : EMPTY) {
                    deleteTree(sys.path(p), false);
                  }
                  if (sys.isRealRoot()
                      && Programs.which("systemctl").isPresent()
                      && Programs.which("containerd").isPresent()) {
                    sys.runner()
                        .check(ProcessSpec.of("systemctl", "restart", "containerd").build());
                  }
                }));
    plan.add(
        Step.named("nft-table")
            .description(
                "remove kldload's nftables table inet kldload and its boot copy "
                    + nftFile
                    + " (other tables and iptables are left alone)")
            .after("kubeadm-reset")
            .doneWhen(ctx -> !ourTableExists() && !Files.exists(sys.path(nftFile.toString())))
            .apply(
                ctx -> {
                  // the boot copy first: a failure after it leaves no firewall to come back
                  Files.deleteIfExists(sys.path(nftFile.toString()));
                  if (ourTableExists()) {
                    sys.runner()
                        .check(ProcessSpec.of("nft", "delete", "table", "inet", "kldload").build());
                  }
                }));
    return plan.build();
  }

  /**
   * The lock scopes a real run holds: the node, ZFS when / is on ZFS (the snapshot), and the
   * firewall (our nftables table).
   */
  public List<String> locks() {
    return sys.rootDataset().isPresent()
        ? List.of(NodeLocks.NODE, NodeLocks.ZFS, NodeLocks.FIREWALL)
        : List.of(NodeLocks.NODE, NodeLocks.FIREWALL);
  }

  private boolean ourTableExists() {
    if (Programs.which("nft").isEmpty()) {
      return false;
    }
    return sys.runner()
        .run(ProcessSpec.of("nft", "list", "table", "inet", "kldload").readOnly().build())
        .ok();
  }

  /** What is still there of the cluster's state. */
  List<String> leftovers() throws IOException {
    List<String> left = new ArrayList<>();
    for (String p : REMOVE) {
      if (Files.exists(sys.path(p), LinkOption.NOFOLLOW_LINKS)) {
        left.add(p);
      }
    }
    for (String p : EMPTY) {
      Path dir = sys.path(p);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> entries = Files.list(dir)) {
          if (entries.findAny().isPresent()) {
            left.add(p + "/*");
          }
        }
      }
    }
    return left;
  }

  /** Deletes {@code path} (or only its contents); never follows symbolic links out of it. */
  public static void deleteTree(Path path, boolean includingSelf) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(path);
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(path)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      if (!includingSelf && p.equals(path)) {
        continue;
      }
      Files.deleteIfExists(p);
    }
  }
}
