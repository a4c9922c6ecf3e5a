package dev.kldload.cli.kube;

import java.util.Optional;
import picocli.CommandLine.Option;

/** How kube-vip holds a --vip: the options kube-init and kube-join share. */
public final class KubeVipOptions {
  @Option(
      names = "--vip-interface",
      paramLabel = "IFACE",
      description =
          "Interface kube-vip holds the --vip on (default: the one on the VIP's network).")
  String vipInterface;

  @Option(
      names = "--kube-vip-image",
      paramLabel = "REF",
      description =
          "kube-vip image for --vip, pinned by tag or digest (kube-init's default: the one the"
              + " stack lock pins; kube-join: give the first control plane's).")
  String kubeVipImage;

  Optional<String> vipInterface() {
    return Optional.ofNullable(vipInterface);
  }

  Optional<String> kubeVipImage() {
    return Optional.ofNullable(kubeVipImage);
  }
}
