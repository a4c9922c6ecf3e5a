package dev.kldload.kvm.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.YamlInput;
import dev.kldload.core.testing.GoldenFiles;
import dev.kldload.core.value.HostName;
import dev.kldload.kvm.xml.MacAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NoCloudSeedTest {
  static final HostKeys KEYS =
      new HostKeys(
          "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAfixture\n-----END OPENSSH PRIVATE KEY-----\n",
          "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFixtureHostKey web02");

  static SeedRequest request() {
    return new SeedRequest(
        "web02-0001",
        HostName.of("web02"),
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFixtureAdminKey admin@host\n",
        KEYS,
        List.of(new MacAddress("52:54:00:12:34:56")),
        List.of(
            SeedFile.secret(
                "/etc/wireguard/wg-mgmt.conf", "[Interface]\nAddress = 10.250.0.2/24\n")));
  }

  @Test
  @DisplayName("user-data matches the golden file")
  void userDataGolden() {
    GoldenFiles.assertMatches("user-data.yaml", NoCloudSeed.userData(request()));
  }

  @Test
  @DisplayName("meta-data and network-config match the golden files")
  void metaAndNetworkGolden() {
    GoldenFiles.assertMatches("meta-data.yaml", NoCloudSeed.metaData(request()));
    GoldenFiles.assertMatches(
        "network-config.yaml", NoCloudSeed.networkConfig(request().macs()).orElseThrow());
    assertThat(NoCloudSeed.networkConfig(List.of())).as("cloud-init's own fallback").isEmpty();
  }

  @Test
  @DisplayName("no password for any account; password SSH off; the host keys are ours")
  void noPasswords() {
    String userData = NoCloudSeed.userData(request());
    assertThat(userData).startsWith("#cloud-config\n");
    assertThat(userData)
        .doesNotContainPattern(
            "(?m)^\\s*-?\\s*(chpasswd|password|passwd|plain_text_passwd|hashed_passwd):")
        .contains("ssh_pwauth: false")
        .contains("lock_passwd: true")
        .contains(KEYS.publicKey());
  }

  @Test
  @DisplayName("HostKeys and SeedFile never print their secrets")
  void secretsHidden() {
    assertThat(KEYS.toString()).doesNotContain("PRIVATE");
    assertThat(request().files().get(0).toString()).doesNotContain("Address");
  }

  @Test
  @DisplayName("a relative or traversing guest path is refused")
  void badPath() {
    assertThatThrownBy(() -> SeedFile.secret("etc/x", "")).isInstanceOf(KldloadException.class);
    assertThatThrownBy(() -> SeedFile.secret("/etc/../x", "")).isInstanceOf(KldloadException.class);
  }

  @Test
  @DisplayName("a named first NIC gets set-name; runcmd lists run after write_files, in order")
  void nicNameAndRuncmd() throws Exception {
    SeedRequest base = request();
    SeedRequest named =
        new SeedRequest(
            base.instanceId(),
            base.hostname(),
            base.adminPublicKey(),
            base.hostKeys(),
            base.macs(),
            base.files(),
            Optional.of("lan0"),
            List.of(List.of("nft", "-f", "/etc/x.nft"), List.of("systemctl", "enable", "a b")));
    JsonNode net = YamlInput.mapper().readTree(NoCloudSeed.networkConfig(named).orElseThrow());
    assertThat(net.path("ethernets").path("nic0").path("set-name").asText()).isEqualTo("lan0");
    JsonNode user = YamlInput.mapper().readTree(NoCloudSeed.userData(named));
    assertThat(user.path("runcmd").toString())
        .isEqualTo("[[\"nft\",\"-f\",\"/etc/x.nft\"],[\"systemctl\",\"enable\",\"a b\"]]");
    assertThat(NoCloudSeed.userData(base)).doesNotContain("runcmd");
    assertThat(NoCloudSeed.networkConfig(base).orElseThrow()).doesNotContain("set-name");
    assertThatThrownBy(
            () ->
                new SeedRequest(
                    base.instanceId(),
                    base.hostname(),
                    base.adminPublicKey(),
                    base.hostKeys(),
                    base.macs(),
                    base.files(),
                    Optional.of("lan0; reboot"),
                    List.of()))
        .isInstanceOf(KldloadException.class);
  }
}
