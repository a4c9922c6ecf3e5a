package dev.kldload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Given but unusable input is exit 2 (nothing changed), never a silent default or exit 7. */
class UsageErrorsTest {
  @TempDir Path dir;

  private CliHarness harness() {
    return CliHarness.harness()
        .env("HOME", dir.toString())
        .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
        .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString());
  }

  @ParameterizedTest(name = "--connect ''{0}''")
  @ValueSource(strings = {"", " ", "not a uri", "qemu:/system", "://nohost", "qemu:///sys tem"})
  @DisplayName("an empty or malformed --connect is exit 2 naming the URI, before libvirt is asked")
  void badConnect(String uri) {
    CliHarness.Result r = harness().exec("kvm-list", "--connect", uri);
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).as(r.toString()).contains("--connect", "is not a libvirt URI");
  }

  @Test
  @DisplayName("a malformed LIBVIRT_DEFAULT_URI is exit 2 too")
  void badEnvironmentUri() {
    CliHarness.Result r = harness().env("LIBVIRT_DEFAULT_URI", "qemu").exec("kvm-list");
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).as(r.toString()).contains("LIBVIRT_DEFAULT_URI");
  }

  @ParameterizedTest(name = "{0} ''")
  @ValueSource(strings = {"--state-dir", "--config"})
  @DisplayName("an empty --state-dir or --config is exit 2, not the working directory")
  void emptyPaths(String option) {
    CliHarness.Result r = harness().exec("kdf", option, "");
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).as(r.toString()).contains(option + " is empty");
  }
}
