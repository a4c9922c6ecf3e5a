package dev.kldload.core.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Where external programs come from: PATH lookup and the Debian package that provides each. */
public final class Programs {
  private static final Map<String, String> PACKAGES =
      Map.ofEntries(
          Map.entry("zfs", "zfsutils-linux"),
          Map.entry("zpool", "zfsutils-linux"),
          Map.entry("virsh", "libvirt-clients"),
          Map.entry("virt-xml-validate", "libvirt-clients"),
          Map.entry("qemu-img", "qemu-utils"),
          Map.entry("qemu-system-x86_64", "qemu-system-x86"),
          Map.entry("xorriso", "xorriso"),
          Map.entry("genisoimage", "genisoimage"),
          Map.entry("wg", "wireguard-tools"),
          Map.entry("wireguard-go", "wireguard-go"),
          Map.entry("nft", "nftables"),
          Map.entry("ip", "iproute2"),
          Map.entry("ssh-keygen", "openssh-client"),
          Map.entry("cloud-init", "cloud-init"),
          Map.entry("ctr", "containerd"));

  /**
   * Programs installed from the offline bundle, not from Debian: Debian 12's kubernetes-client is
   * kubectl 1.20, outside the version skew of the clusters the suite makes.
   */
  private static final Map<String, String> FROM_BUNDLE =
      Map.of(
          "kubectl",
          "install the offline bundle's kubectl: apt-get install <bundle>/debs/kubectl_*.deb"
              + " (Debian's kubernetes-client is too old)");

  private Programs() {}

  /** Finds an executable on PATH (plus the sbin directories, which non-root PATHs often lack). */
  public static Optional<Path> which(String program) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    String extra = "/usr/local/sbin:/usr/sbin:/sbin";
    for (String dir : (path + File.pathSeparator + extra).split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public static Optional<String> debianPackage(String program) {
    return Optional.ofNullable(PACKAGES.get(Path.of(program).getFileName().toString()));
  }

  /** How to install a program that does not come from Debian, if it is one of those. */
  public static Optional<String> bundleHint(String program) {
    return Optional.ofNullable(FROM_BUNDLE.get(Path.of(program).getFileName().toString()));
  }

  public static String installHint(String program) {
    return bundleHint(program)
        .or(() -> debianPackage(program).map(pkg -> "install it: apt-get install " + pkg))
        .orElse("check that " + program + " is installed and on PATH");
  }
}
