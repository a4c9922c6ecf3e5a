package dev.kldload.kvm.seed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.HostName;
import dev.kldload.kvm.xml.MacAddress;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed against the real tools: cloud-init's schema, ssh-keygen, xorriso. */
class NoCloudSeedIT {
  @TempDir Path dir;

  /** Runs {@code cloud-init schema --config-file}; used by other tests too. */
  public static void assertSchemaValid(String userData, Path dir) throws IOException {
    Requirements.require(
        Requirements.onPath("cloud-init"), "cloud-init (apt-get install cloud-init)");
    Path file = Files.createTempFile(dir, "user-data", ".yaml");
    Files.writeString(file, userData);
    ProcessResult result =
        new SystemProcessRunner()
            .run(ProcessSpec.of("cloud-init", "schema", "--config-file", file.toString()).build());
    assertThat(result.exitCode())
        .as("cloud-init schema: %s %s%n%s", result.stdout(), result.stderr(), userData)
        .isZero();
  }

  @Test
  @DisplayName("user-data passes cloud-init schema")
  void schema() throws IOException {
    assertSchemaValid(NoCloudSeed.userData(NoCloudSeedTest.request()), dir);
  }

  @Test
  @DisplayName(
      "network-config renders through cloud-init's own networkd and eni renderers, matched by MAC")
  void networkConfigRenders() throws IOException {
    Requirements.require(
        Requirements.onPath("cloud-init"), "cloud-init (apt-get install cloud-init)");
    Path file = dir.resolve("network-config");
    Files.writeString(
        file,
        NoCloudSeed.networkConfig(List.of(new MacAddress("52:54:00:12:34:56"))).orElseThrow());
    for (String renderer : List.of("networkd", "eni")) {
      Path out = dir.resolve(renderer);
      ProcessResult r =
          new SystemProcessRunner()
              .run(
                  ProcessSpec.of(
                          "cloud-init",
                          "devel",
                          "net-convert",
                          "-p",
                          file.toString(),
                          "-k",
                          "yaml",
                          "-d",
                          out.toString(),
                          "-D",
                          "debian",
                          "-O",
                          renderer)
                      .build());
      assertThat(r.exitCode()).as("net-convert %s: %s", renderer, r.stderr()).isZero();
      try (var files = Files.walk(out)) {
        String rendered =
            files
                .filter(Files::isRegularFile)
                .map(
                    p -> {
                      try {
                        return Files.readString(p);
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                    })
                .reduce("", String::concat);
        assertThat(rendered)
            .as(renderer)
            .contains("52:54:00:12:34:56")
            .containsIgnoringCase("dhcp");
      }
    }
  }

  @Test
  @DisplayName("ssh-keygen makes an ed25519 pair; the ISO is labelled cidata, mode 0600")
  void iso() throws IOException {
    Requirements.require(Requirements.onPath("ssh-keygen"), "ssh-keygen (openssh-client)");
    Requirements.require(
        Requirements.onPath("xorriso") || Requirements.onPath("genisoimage"),
        "xorriso (apt-get install xorriso)");
    SystemProcessRunner runner = new SystemProcessRunner();
    HostKeys keys = HostKeys.generate(runner, "web03");
    assertThat(keys.publicKey()).startsWith("ssh-ed25519 ").endsWith("web03");
    assertThat(keys.privateKey()).contains("OPENSSH PRIVATE KEY");
    SeedRequest request =
        new SeedRequest(
            "web03-1",
            HostName.of("web03"),
            "ssh-ed25519 AAAAadmin a@b",
            keys,
            List.of(MacAddress.random()),
            List.of());
    assertSchemaValid(NoCloudSeed.userData(request), dir);
    Path iso = dir.resolve("images").resolve("web03-seed.iso");
    new NoCloudSeed(runner).writeIso(request, iso);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(iso)))
        .isEqualTo("rw-------");
    assertThat(volumeId(iso)).isEqualTo("cidata");
    try (var listing = Files.list(iso.getParent())) {
      assertThat(listing).containsExactly(iso);
    }
    ProcessResult files =
        runner.run(ProcessSpec.of("xorriso", "-indev", iso.toString(), "-ls", "/").build());
    assertThat(files.stdout()).contains("meta-data", "user-data", "network-config");
  }

  /** ISO 9660 primary volume descriptor: sector 16, volume identifier at byte 40, 32 bytes. */
  static String volumeId(Path iso) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(iso.toFile(), "r")) {
      byte[] id = new byte[32];
      file.seek(16 * 2048 + 40);
      file.readFully(id);
      return new String(id, StandardCharsets.US_ASCII).strip();
    }
  }
}
