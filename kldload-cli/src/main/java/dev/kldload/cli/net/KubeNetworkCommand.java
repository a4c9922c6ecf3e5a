package dev.kldload.cli.net;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kube-network}: this machine's place in the WireGuard mesh, and its firewall. */
@Command(
    name = "kube-network",
    header = "WireGuard dual-plane mesh node tool and nftables firewall.",
    description = {
      "Two planes: wg-mgmt (10.250.0.<id>/24, UDP 51820) for SSH and monitoring, wg-k8s",
      "(10.251.0.<id>/24, UDP 51821) for the kubelet, API server and pods; each with its own key",
      "pair. Keys are generated in Java and kept 0600 under <state-dir>/net; wg-quick files under",
      "/etc/wireguard bring the planes back at boot. Only peers kube-network added are ever",
      "removed. The firewall lives in 'table inet kldload' only. Every verb can be re-run: the",
      "same input changes nothing. Addresses, ports and interface names come from the net.*",
      "configuration keys. -v shows what each step changed (peers set or removed, the address",
      "an endpoint name resolved to); -vv also every program run; -vvv how each one ended."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      NetInitCommand.class,
      NetAddPeerCommand.class,
      NetRemovePeerCommand.class,
      NetApplyCommand.class,
      NetShowKeysCommand.class,
      NetStatusCommand.class,
      NetCheckCommand.class,
      NetNftCommand.class,
      NetPinKubeletCommand.class
    },
    footer = {
      "",
      "Example:",
      "  kube-network init 1",
      "  kube-network add-peer 192.168.122.12 2 --mgmt-key KEY --k8s-key KEY",
      "  kube-network status -o json"
    })
public final class KubeNetworkCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing verb");
  }
}
