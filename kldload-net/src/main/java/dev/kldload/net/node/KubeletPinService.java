package dev.kldload.net.node;

import dev.kldload.core.KldloadException;
import dev.kldload.core.io.PrivateFiles;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.net.NetworkPlan;
import dev.kldload.net.WireGuard;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.Optional;

/** {@code kube-network pin-kubelet}: the kubelet announces this node's wg-k8s address. */
public final class KubeletPinService {
  private final NetworkPlan plan;
  private final NodeStore store;
  private final WireGuard wireGuard;
  private final Systemd systemd;
  private final NodeSettings settings;

  public KubeletPinService(
      NetworkPlan plan,
      NodeStore store,
      WireGuard wireGuard,
      ProcessRunner runner,
      NodeSettings settings) {
    this.plan = plan;
    this.store = store;
    this.wireGuard = wireGuard;
    this.systemd = new Systemd(runner);
    this.settings = settings;
  }

  /** Points the kubelet at this node's wg-k8s address ({@code --node-ip}). */
  public Plan pinKubelet() {
    store.requireNode();
    String name = plan.k8s().interfaceName();
    String ip =
        wireGuard.device(name).stream()
            .flatMap(d -> d.addresses().stream())
            .filter(a -> a.address() instanceof Inet4Address)
            .map(a -> a.address().getHostAddress())
            .findFirst()
            .orElseThrow(
                () ->
                    KldloadException.precondition(
                        name + " has no IPv4 address", "run 'kube-network init ID' first"));
    Path file = settings.kubeletDefaults();
    Optional<String> current = PrivateFiles.read(file);
    String desired = KubeletDefaults.withNodeIp(current.orElse(""), ip);
    boolean changes = !current.equals(Optional.of(desired));
    return Plan.builder("kube-network-pin-kubelet")
        .add(
            Step.named("kubelet-node-ip")
                .description("set --node-ip=" + ip + " in " + file)
                .doneWhen(c -> PrivateFiles.read(file).equals(Optional.of(desired)))
                .apply(c -> KubeletDefaults.write(file, desired)))
        .add(
            Step.named("restart-kubelet")
                .description("restart kubelet if it runs, so it uses the new address")
                .after("kubelet-node-ip")
                .nonCritical()
                .doneWhen(c -> !changes || !systemd.active("kubelet"))
                .apply(c -> systemd.run("restart", "kubelet")))
        .build();
  }
}
