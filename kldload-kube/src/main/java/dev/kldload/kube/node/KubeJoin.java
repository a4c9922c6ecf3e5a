package dev.kldload.kube.node;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.value.DatasetName;
import dev.kldload.kube.render.KubeVip;
import dev.kldload.kube.render.KubeadmJoinConfig;
import dev.kldload.net.HostNetwork;
import dev.kldload.zfs.Zfs;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code kube-join}: joins this node to a cluster with a freshly minted join command (and, for a
 * control plane, a fresh certificate key) that the orchestrator placed on the node. Inputs are
 * parsed strictly before anything runs; a node that already belongs to a cluster is refused.
 */
public final class KubeJoin {
  static final String KUBELET_CONF = "/etc/kubernetes/kubelet.conf";
  static final String ADMIN_CONF = "/etc/kubernetes/admin.conf";
  static final Duration JOIN_TIMEOUT = Duration.ofMinutes(10);

  /** The JoinConfiguration of a running join (0600; removed when kubeadm returns). */
  static final String CONFIG = "/etc/kldload/kube-join/join.yaml";

  /** The port a joining control plane's API server binds. */
  static final int API_PORT = 6443;

  /**
   * What to join; {@code controlPlane} needs the certificate key and advertise address. No {@code
   * joinCommandFile}: {@link JoinCommand#FILE} on the node, where kube-init leaves it; no {@code
   * certificateKeyFile}: {@link JoinCommand#CERTIFICATE_KEY_FILE}, likewise. A control plane with a
   * {@code vip} runs kube-vip for it too, after the join (kubeadm join wants an empty manifests
   * directory), from {@code kubeVipImage} on {@code vipInterface} (default: the interface on the
   * VIP's network).
   */
  public record Request(
      ApiEndpoint endpoint,
      Optional<Path> joinCommandFile,
      boolean controlPlane,
      Optional<Path> certificateKeyFile,
      Optional<InetAddress> advertiseAddress,
      Optional<InetAddress> vip,
      Optional<String> vipInterface,
      Optional<String> kubeVipImage) {}

  private final NodeSystem sys;
  private final Supplier<Zfs> zfs;
  private final Supplier<HostNetwork> host;
  private final Instant now;

  /**
   * @param host the node's routes and addresses, read only for a VIP without its interface
   */
  public KubeJoin(NodeSystem sys, Supplier<Zfs> zfs, Supplier<HostNetwork> host, Instant now) {
    this.sys = sys;
    this.zfs = zfs;
    this.host = host;
    this.now = now;
  }

  /**
   * Validates everything (bad input → INVALID_INPUT, already joined → CONFLICT) and returns the
   * plan; nothing has run when this throws.
   */
  public Plan plan(Request request) {
    Path joinFile = request.joinCommandFile().orElse(sys.path(JoinCommand.FILE));
    JoinCommand join = JoinCommand.parse(readSecret(joinFile, "join command"), joinFile.toString());
    if (!join.endpoint().equals(request.endpoint())) {
      throw KldloadException.invalid(
          "the join command is for " + join.endpoint() + ", not " + request.endpoint(),
          "mint the join command on the cluster you are joining");
    }
    Optional<KubeadmJoinConfig.ControlPlane> cp = Optional.empty();
    if (request.controlPlane()) {
      Path keyFile =
          request.certificateKeyFile().orElse(sys.path(JoinCommand.CERTIFICATE_KEY_FILE));
      InetAddress advertise =
          request
              .advertiseAddress()
              .orElseThrow(
                  () ->
                      KldloadException.invalid(
                          "--control-plane needs --advertise-address",
                          "give this node's wg-k8s address"));
      cp =
          Optional.of(
              new KubeadmJoinConfig.ControlPlane(
                  advertise.getHostAddress(),
                  API_PORT,
                  JoinCommand.certificateKey(
                      readSecret(keyFile, "certificate key"), keyFile.toString())));
    }
    Optional<KubeVip> kubeVip = Optional.empty();
    if (request.vip().isPresent()) {
      if (!request.controlPlane()) {
        throw KldloadException.invalid(
            "--vip is for a control plane", "add --control-plane, or leave --vip out");
      }
      InetAddress vip = request.vip().get();
      kubeVip =
          Optional.of(
              new KubeVip(
                  vip,
                  request.vipInterface().orElseGet(() -> VipInterface.of(host.get(), vip)),
                  request
                      .kubeVipImage()
                      .orElseThrow(
                          () ->
                              KldloadException.invalid(
                                  "--vip needs --kube-vip-image",
                                  "give the image the first control plane runs (its stack lock's)")),
                  API_PORT,
                  ADMIN_CONF));
    }
    if (sys.exists(KUBELET_CONF)) {
      throw KldloadException.conflict(
          "this node already belongs to a cluster (" + KUBELET_CONF + " exists)",
          "run kube-reset --yes first if it should join another one");
    }
    KubeadmJoinConfig config =
        new KubeadmJoinConfig(join.endpoint().toString(), join.token(), join.caCertHash(), cp);
    Plan.Builder plan = Plan.builder("kube-join");
    List<String> first = new ArrayList<>();
    Optional<DatasetName> root = sys.rootDataset();
    if (root.isPresent()) {
      // a failed safety snapshot is reported (exit 3) but does not stop the join
      Step snap =
          PreOpSnapshot.step(zfs.get(), DatasetName.of(root.get().pool()), "kube-join", now);
      plan.add(nonCritical(snap));
      first.add(snap.id());
    }
    plan.add(
        Step.named("kubeadm-join")
            .after(first)
            .description(join + (request.controlPlane() ? " as a control plane" : " as a worker"))
            .doneWhen(ctx -> sys.exists(KUBELET_CONF))
            .apply(
                ctx -> {
                  // token and key reach kubeadm in a 0600 file, not on a command line others see
                  sys.write(CONFIG, config.render(), 0600);
                  ProcessResult r;
                  try {
                    r =
                        sys.runner()
                            .run(
                                ProcessSpec.of(
                                        "kubeadm", "join", "--config", sys.path(CONFIG).toString())
                                    .timeout(JOIN_TIMEOUT)
                                    .build());
                  } finally {
                    Files.deleteIfExists(sys.path(CONFIG));
                  }
                  if (!r.ok()) {
                    throw new KldloadException(
                        ErrorKind.FAILED,
                        "kubeadm join "
                            + join.endpoint()
                            + " exited "
                            + r.exitCode()
                            + ": "
                            + r.errorTail(),
                        "see journalctl -u kubelet; run kube-reset --yes before trying again");
                  }
                }));
    if (request.controlPlane()) {
      plan.add(
          Step.named("admin-kubeconfig")
              .description("copy " + ADMIN_CONF + " to /root/.kube/config (0600)")
              .after("kubeadm-join")
              .doneWhen(
                  ctx ->
                      sys.read(ADMIN_CONF)
                          .map(c -> sys.matches("/root/.kube/config", c, 0600))
                          .orElse(false))
              .apply(
                  ctx ->
                      sys.write(
                          "/root/.kube/config",
                          sys.read(ADMIN_CONF)
                              .orElseThrow(
                                  () ->
                                      new KldloadException(
                                          ErrorKind.FAILED,
                                          "kubeadm join left no " + ADMIN_CONF,
                                          "check the kubeadm output; run kube-reset --yes and retry")),
                          0600)));
    }
    kubeVip.ifPresent(
        v ->
            plan.add(
                nonCritical(
                    sys.fileStep(
                        "file-kube-vip", KubeVip.MANIFEST, v.manifest(), 0600, "kubeadm-join"))));
    return plan.build();
  }

  /** The lock scopes a real run holds: the node, and ZFS when / is on ZFS (pre-join snapshot). */
  public List<String> locks() {
    return sys.rootDataset().isPresent()
        ? List.of(NodeLocks.NODE, NodeLocks.ZFS)
        : List.of(NodeLocks.NODE);
  }

  private static Step nonCritical(Step step) {
    return Step.named(step.id())
        .description(step.description())
        .after(step.dependsOn())
        .nonCritical()
        .doneWhen(step::isDone)
        .apply(step::apply);
  }

  private static String readSecret(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw KldloadException.notFound(
          what + " file " + file + " does not exist",
          "the orchestrator writes it (0600) before calling kube-join; or give the path");
    }
    try {
      int mode = NodeSystem.toMode(Files.getPosixFilePermissions(file));
      if ((mode & 0077) != 0) {
        throw KldloadException.invalid(
            what
                + " file "
                + file
                + " is readable by others (mode "
                + String.format("%04o", mode)
                + ")",
            "it holds a secret: chmod 600 "
                + file
                + ", and mint a fresh one if others could read it");
      }
      if (Files.size(file) > 4096) {
        throw KldloadException.invalid(
            what + " file " + file + " is too large", "it holds one line");
      }
      return Files.readString(file);
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.FAILED, "cannot read " + file + ": " + e.getMessage(), null, e);
    }
  }
}
