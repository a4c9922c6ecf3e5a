package dev.kldload.kube.golden;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a golden's root file system is made of: the suite, the packages installed without
 * recommends, the files written into it and the commands run in it. Its {@link #hash()} keys the
 * cache of built root file systems, so a second golden or a rebuild reuses the image until the
 * recipe changes. The mirror is not part of it: the same packages come from any mirror.
 *
 * <p>The result is sealed as built (empty machine-id, no SSH host keys, cloud-init never run,
 * NoCloud only, no logs): it never boots before it is cloned, because every node's seed carries the
 * node's identity, host keys, WireGuard configs and firewall.
 */
public record GoldenRecipe(
    String suite, List<String> packages, Map<String, String> files, List<List<String>> commands) {

  /** Bumped when the build procedure changes in a way the fields above do not show. */
  static final String PROCEDURE = "kldload-golden-1";

  public GoldenRecipe {
    packages = List.copyOf(packages);
    files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    commands = commands.stream().map(List::copyOf).toList();
  }

  /** The cloud-init guest every kube-cluster node is cloned from. */
  public static GoldenRecipe standard() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("etc/fstab", "/dev/vda / ext4 rw,noatime,errors=remount-ro 0 1\n");
    // empty: cloud-init sets it from the seed's local-hostname
    files.put("etc/hostname", "");
    files.put("etc/hosts", "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n");
    // cloud-init writes the node's own network file; this one keeps DHCP when a seed has none
    files.put(
        "etc/systemd/network/90-kldload-dhcp.network",
        "[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n");
    // without the pin cloud-init probes cloud metadata services for minutes first; minbase has no
    // locales package, so cloud-init's default en_US.UTF-8 cannot be made (cloud-config failed)
    files.put(
        "etc/cloud/cloud.cfg.d/90-kldload.cfg", "datasource_list: [ NoCloud ]\nlocale: C.UTF-8\n");
    files.put(
        "etc/ssh/sshd_config.d/90-kldload.conf",
        "PasswordAuthentication no\n"
            + "KbdInteractiveAuthentication no\n"
            + "PermitRootLogin prohibit-password\n");
    List<List<String>> commands =
        List.of(
            List.of("systemctl", "enable", "systemd-networkd.service", "systemd-resolved.service"),
            List.of("systemctl", "enable", "serial-getty@ttyS0.service"),
            List.of("systemctl", "set-default", "multi-user.target"),
            List.of("passwd", "--lock", "root"),
            List.of("apt-get", "clean"));
    return new GoldenRecipe(
        AptSources.SUITE,
        List.of(
            "linux-image-amd64",
            "systemd-sysv",
            // networkd hands DNS servers to resolved only; without it a node has no resolver
            "systemd-resolved",
            "udev",
            "kmod",
            "iproute2",
            "iputils-ping",
            "procps",
            "cloud-init",
            "openssh-server",
            "wireguard-tools",
            "nftables",
            "openjdk-17-jre-headless",
            "ca-certificates"),
        files,
        commands);
  }

  /**
   * This recipe with what a Kubernetes node needs besides the bundle's packages (containerd from
   * Debian unless the lock pins it, and the programs kubeadm and the kubelet run) and the stack
   * lock's SHA-256 in {@code /var/lib/kldload/golden-stack-lock}: a new bundle makes a new golden.
   */
  public GoldenRecipe kubernetes(String lockSha256, boolean containerdPinned) {
    List<String> more = new ArrayList<>(packages);
    if (!containerdPinned) {
      more.add("containerd");
    }
    more.addAll(List.of("conntrack", "socat", "ethtool", "ebtables", "iptables"));
    Map<String, String> moreFiles = new LinkedHashMap<>(files);
    moreFiles.put("var/lib/kldload/golden-stack-lock", lockSha256 + "\n");
    return new GoldenRecipe(suite, more, moreFiles, commands);
  }

  /** sha256 over everything above and {@link #PROCEDURE}, hex. */
  public String hash() {
    StringBuilder text = new StringBuilder(PROCEDURE).append('\n').append(suite).append('\n');
    packages.forEach(p -> text.append("package ").append(p).append('\n'));
    files.forEach(
        (path, content) ->
            text.append("file ")
                .append(path)
                .append(' ')
                .append(content.length())
                .append('\n')
                .append(content));
    commands.forEach(c -> text.append("run ").append(String.join("\u0000", c)).append('\n'));
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
