package dev.kldload.core.lab;

import static dev.kldload.core.lab.LabCommands.IN_LAB_VM;
import static dev.kldload.core.lab.LabCommands.run;
import static dev.kldload.core.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the lab tier's kernel networking: in-kernel WireGuard and nftables in the lab VM guest.
 */
@Tag("lab")
class KernelNetworkingLabIT {

  @BeforeEach
  void onlyInTheLabVm() {
    require(IN_LAB_VM, "lab tests run only inside the lab VM (src-test-fixtures/labvm/lab-tests)");
  }

  @Test
  void kernelWireGuardInterface(@TempDir Path dir) throws Exception {
    String privateKey = run("wg", "genkey").ok().out();
    Path keyFile = dir.resolve("wg.key");
    Files.createFile(
        keyFile,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(keyFile, privateKey + "\n", StandardCharsets.US_ASCII);
    String publicKey = LabCommands.runWithInput(privateKey + "\n", "wg", "pubkey").ok().out();

    run("ip", "link", "add", "wgtest", "type", "wireguard").ok();
    try {
      run("wg", "set", "wgtest", "private-key", keyFile.toString(), "listen-port", "51820").ok();
      String show = run("wg", "show", "wgtest").ok().out();
      assertThat(show).contains("interface: wgtest").contains("listening port: 51820");
      assertThat(run("wg", "show", "wgtest", "public-key").ok().out()).isEqualTo(publicKey);
      assertThat(run("ip", "-d", "link", "show", "wgtest").ok().out()).contains("wireguard");
    } finally {
      run("ip", "link", "del", "wgtest").ok();
    }
  }

  @Test
  void nftablesTable() {
    run("nft", "add", "table", "inet", "labtest").ok();
    try {
      run(
              "nft",
              "add",
              "chain",
              "inet",
              "labtest",
              "input",
              "{ type filter hook input priority 0; policy accept; }")
          .ok();
      run(
              "nft", "add", "rule", "inet", "labtest", "input", "tcp", "dport", "51820", "counter",
              "accept")
          .ok();
      String listing = run("nft", "list", "table", "inet", "labtest").ok().out();
      assertThat(listing)
          .contains("table inet labtest")
          .contains("chain input")
          .contains("tcp dport 51820 counter");
      assertThat(run("nft", "list", "tables").ok().out()).contains("table inet labtest");
    } finally {
      run("nft", "delete", "table", "inet", "labtest").ok();
    }
  }
}
