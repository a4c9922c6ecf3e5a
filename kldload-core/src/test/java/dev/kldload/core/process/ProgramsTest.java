package dev.kldload.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProgramsTest {
  @Test
  @DisplayName("a missing program's hint names its Debian package, by name or by path")
  void debianPackages() {
    assertThat(Programs.installHint("nft")).isEqualTo("install it: apt-get install nftables");
    assertThat(Programs.installHint("/usr/sbin/zpool"))
        .isEqualTo("install it: apt-get install zfsutils-linux");
    assertThat(Programs.installHint("frobnicate"))
        .isEqualTo("check that frobnicate is installed and on PATH");
  }

  @Test
  @DisplayName(
      "kubectl comes from the offline bundle: Debian's kubernetes-client (1.20) is never"
          + " suggested")
  void kubectlFromTheBundle() {
    assertThat(Programs.debianPackage("kubectl")).isEmpty();
    assertThat(Programs.installHint("kubectl"))
        .contains("<bundle>/debs/kubectl_*.deb")
        .doesNotContain("apt-get install kubernetes-client");
    assertThat(Programs.bundleHint("/usr/bin/kubectl")).isPresent();
    assertThat(Programs.bundleHint("nft")).isEmpty();
  }
}
