package dev.kldload.net.node;

import dev.kldload.core.KldloadException;
import dev.kldload.core.config.Config;
import dev.kldload.core.config.ConfigKey;
import dev.kldload.net.NetConfig;
import java.nio.file.Path;

/**
 * Where this node keeps what must survive a reboot, and whether to enable boot units.
 *
 * @param wireguardDir wg-quick files ({@code /etc/wireguard})
 * @param bootUnits enable {@code wg-quick@<if>} and the firewall unit when systemd runs
 * @param kubeletDefaults the kubelet environment file {@code pin-kubelet} edits
 * @param nftFile the firewall ruleset the boot unit loads ({@code /etc/kldload/nftables.nft})
 * @param unitDir where the firewall unit is written ({@code /etc/systemd/system})
 */
public record NodeSettings(
    Path wireguardDir, boolean bootUnits, Path kubeletDefaults, Path nftFile, Path unitDir) {
  public NodeSettings {
    checkNftFile(nftFile);
  }

  /** Every net.* path key, checked like a flag and named with its source when it is not valid. */
  public static NodeSettings fromConfig(Config config) {
    return new NodeSettings(
        NetConfig.path(config, ConfigKey.NET_WIREGUARD_DIR),
        NetConfig.bool(config, ConfigKey.NET_BOOT_UNITS),
        NetConfig.path(config, ConfigKey.NET_KUBELET_DEFAULTS),
        NetConfig.read(
            config, ConfigKey.NET_NFT_FILE, text -> checkNftFile(NetConfig.absolutePath(text))),
        Path.of("/etc/systemd/system"));
  }

  private static Path checkNftFile(Path nftFile) {
    // the path goes into a unit's ExecStart=, which splits on whitespace and expands % and $
    if (!nftFile.isAbsolute() || !nftFile.toString().matches("[A-Za-z0-9/._+-]+")) {
      throw KldloadException.invalid(
          "net.nft-file '" + nftFile + "' is not an absolute path of plain characters",
          "use letters, digits and / . _ + - only, e.g. /etc/kldload/nftables.nft");
    }
    return nftFile;
  }
}
