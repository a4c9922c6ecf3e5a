package dev.kldload.cli.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.cli.support.Cli;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KvmSessionTest {
  static Cli cli(Map<String, String> env) {
    CliHarness harness = CliHarness.harness();
    env.forEach(harness::env);
    return harness.cli();
  }

  static ConnectOption connect(String uri) {
    ConnectOption option = new ConnectOption();
    option.uri = uri;
    return option;
  }

  @Test
  @DisplayName(
      "URI: --connect, then LIBVIRT_DEFAULT_URI, then config libvirt.uri, then qemu:///system")
  void uriOrder() {
    Map<String, String> all =
        Map.of("LIBVIRT_DEFAULT_URI", "test:///env", "KLDLOAD_LIBVIRT_URI", "test:///config");
    assertThat(KvmSession.uri(cli(all), connect("test:///flag"))).isEqualTo("test:///flag");
    assertThat(KvmSession.uri(cli(all), connect(null))).isEqualTo("test:///env");
    assertThat(KvmSession.uri(cli(Map.of("KLDLOAD_LIBVIRT_URI", "test:///config")), connect(null)))
        .isEqualTo("test:///config");
    assertThat(KvmSession.uri(cli(Map.of("HOME", "/nonexistent")), connect(null)))
        .isEqualTo("qemu:///system");
  }
}
