package dev.kldload.net.node;

import java.nio.file.Path;

/**
 * Where this node keeps what must survive a reboot, and whether to enable boot units.
 *
 * @param wireguardDir wg-quick files ({@code /etc/wireguard})
 * @param bootUnits enable {@code wg-quick@<if>} when systemd runs
 * @param kubeletDefaults the kubelet environment file {@code pin-kubelet} edits
 */
public record NodeSettings(Path wireguardDir, boolean bootUnits, Path kubeletDefaults) {}
