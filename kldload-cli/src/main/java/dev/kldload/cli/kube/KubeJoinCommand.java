package dev.kldload.cli.kube;

import dev.kldload.cli.support.Cli;
import dev.kldload.cli.support.MutationOptions;
import dev.kldload.cli.support.OutputOption;
import dev.kldload.core.value.Cidr;
import dev.kldload.kube.node.ApiEndpoint;
import dev.kldload.kube.node.KubeJoin;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kube-join}: join this node to a cluster. */
@Command(
    name = "kube-join",
    header = "Join this node to a cluster as a worker or an extra control plane.",
    description = {
      "Reads the join command the orchestrator minted for this attempt (a fresh token; for",
      "--control-plane also a fresh certificate key), parses it strictly - never evaluates it - and",
      "runs kubeadm join against ENDPOINT with a JoinConfiguration we render (0600, removed when",
      "kubeadm returns: the token never appears on a command line). Refuses a node that already",
      "belongs to a cluster."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Example:",
      "  kube-join 10.251.0.1:6443",
      "  kube-join --control-plane --advertise-address 10.251.0.2 192.168.122.240:6443",
      "  kube-join --control-plane --advertise-address 10.251.0.2 --vip 192.168.122.240 \\",
      "      --kube-vip-image registry.example/kube-vip/kube-vip:v1.2.4 192.168.122.240:6443"
    })
public final class KubeJoinCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin MutationOptions mutation;

  @Mixin OutputOption output;

  @Parameters(
      index = "0",
      paramLabel = "ENDPOINT",
      description = "API endpoint host[:port] (port 6443 by default).")
  String endpoint;

  @Option(
      names = {"--control-plane", "--cp"},
      description = "Join as an extra control plane.")
  Boolean controlPlane = false;

  @Option(
      names = "--join-command",
      paramLabel = "FILE",
      description = "File with the join command, mode 0600 (default: /etc/kldload/join-command).")
  Path joinCommand;

  @Option(
      names = "--certificate-key-file",
      paramLabel = "FILE",
      description =
          "Certificate key for --control-plane, mode 0600 (default: /etc/kldload/certificate-key,"
              + " where kube-init --vip leaves it).")
  Path certificateKey;

  @Option(
      names = "--advertise-address",
      paramLabel = "IP",
      description = "API server address of this node (--control-plane).")
  String advertise;

  @Option(
      names = "--vip",
      paramLabel = "IP",
      description =
          "With --control-plane: this node holds the API VIP too (a kube-vip static pod, written"
              + " after the join).")
  String vip;

  @Mixin KubeVipOptions kubeVip;

  KubeJoinCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    KubeJoin.Request request =
        new KubeJoin.Request(
            ApiEndpoint.parse(endpoint, 6443),
            Optional.ofNullable(joinCommand),
            controlPlane,
            Optional.ofNullable(certificateKey),
            Optional.ofNullable(advertise).map(Cidr::parseAddress),
            Optional.ofNullable(vip).map(Cidr::parseAddress),
            kubeVip.vipInterface(),
            kubeVip.kubeVipImage());
    boolean dryRun = mutation.dryRun();
    NodeTools.requireRoot(cli, "kube-join", dryRun);
    KubeJoin join =
        new KubeJoin(
            NodeTools.system(cli, dryRun),
            () -> cli.engines().zfs(dryRun),
            () -> cli.engines().hostNetwork(dryRun),
            cli.clock().instant());
    return NodeTools.mutation(cli, join.locks(), "kube-join")
        .options(mutation)
        .output(output)
        .run(() -> join.plan(request));
  }
}
