package dev.kldload.net.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.testing.Requirements;
import dev.kldload.net.WgPrivateKey;
import dev.kldload.net.node.FirewallService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real tools accept what we render: wg pubkey agrees on keys, nft -c and wg setconf on files.
 */
class ArtifactsIT {
  private static Netns netns;
  private static String ns;

  @BeforeAll
  static void setUp() {
    Netns.requireEngines();
    netns = new Netns();
    ns = netns.create("art");
  }

  @AfterAll
  static void tearDown() {
    if (netns != null) {
      netns.close();
    }
  }

  private static Stream<Path> golden(String suffix) throws IOException {
    return Files.list(Path.of("src/test/resources/golden"))
        .filter(p -> p.getFileName().toString().endsWith(suffix))
        .sorted();
  }

  @Test
  @DisplayName("wg pubkey derives the same public key as Java for freshly generated keys")
  void wgPubkeyAgrees() {
    for (int i = 0; i < 5; i++) {
      WgPrivateKey key = WgPrivateKey.generate();
      ProcessResult result =
          Netns.HOST.check(
              ProcessSpec.of("wg", "pubkey")
                  .stdin((key.base64() + "\n").getBytes(StandardCharsets.UTF_8))
                  .build());
      assertThat(result.stdout().strip()).isEqualTo(key.publicKey().base64());
    }
  }

  @Test
  @DisplayName("nft -c accepts every rendered ruleset (golden files) inside a namespace")
  void nftChecksGoldenRulesets() throws IOException {
    try (Stream<Path> files = golden(".nft")) {
      assertThat(files.peek(f -> netns.in(ns, "nft", "-c", "-f", f.toAbsolutePath().toString())))
          .hasSizeGreaterThanOrEqualTo(2);
    }
  }

  @Test
  @DisplayName("systemd-analyze verify accepts the firewall boot unit")
  void systemdAcceptsFirewallUnit(@TempDir Path dir) throws IOException {
    Requirements.require(
        Requirements.onPath("systemd-analyze"), "systemd-analyze (apt-get install systemd)");
    Path unit = dir.resolve(FirewallService.FIREWALL_UNIT);
    Files.writeString(unit, FirewallService.firewallUnit(Path.of("/etc/kldload/nftables.nft")));
    ProcessResult result =
        Netns.HOST.run(
            ProcessSpec.of("systemd-analyze", "verify", unit.toString()).readOnly().build());
    assertThat(result.ok()).as("%s", result.stderr()).isTrue();
    assertThat(result.stderr()).as("no warnings").isBlank();
  }

  @Test
  @DisplayName("wg setconf accepts every rendered interface config (golden files)")
  void wgSetconfAcceptsGoldenConfigs() throws IOException {
    String name = netns.wgName(ns, "art");
    new WgToolsWireGuard(netns.runner(ns)).create(name);
    try (Stream<Path> files = golden(".setconf")) {
      assertThat(
              files.peek(f -> netns.in(ns, "wg", "setconf", name, f.toAbsolutePath().toString())))
          .hasSizeGreaterThanOrEqualTo(2);
    }
  }
}
