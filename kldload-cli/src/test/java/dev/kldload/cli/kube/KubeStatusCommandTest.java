package dev.kldload.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeStatusCommandTest {
  @TempDir Path dir;

  @Test
  @DisplayName("no API server answering: exit 7 with one error line naming the kubeconfig")
  void unreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path config = dir.resolve("admin.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: c",
            "  cluster:",
            "    server: https://127.0.0.1:" + port,
            "    insecure-skip-tls-verify: true",
            "users:",
            "- name: u",
            "  user:",
            "    token: t",
            "contexts:",
            "- name: x",
            "  context: {cluster: c, user: u}",
            "current-context: x",
            ""));
    CliHarness.Result r =
        CliHarness.run("kube-status", "--kubeconfig", config.toString(), "-o", "json");
    assertThat(r.exit()).as(r.toString()).isEqualTo(7);
    assertThat(r.err())
        .as(r.toString())
        .startsWith("error: ")
        .contains("no cluster available through " + config);
    assertThat(r.out()).isEmpty();
  }

  @Test
  @DisplayName("a --kubeconfig file that does not exist: exit 4 naming the file")
  void missingKubeconfig() {
    Path missing = dir.resolve("nope.conf");
    CliHarness.Result r = CliHarness.run("kube-status", "--kubeconfig", missing.toString());
    assertThat(r.exit()).as(r.toString()).isEqualTo(4);
    assertThat(r.err()).as(r.toString()).startsWith("error: ").contains(missing.toString());
    assertThat(r.out()).isEmpty();
  }

  @Test
  @DisplayName("no kubeconfig at all: exit 7 with a hint")
  void noKubeconfig() {
    CliHarness.Result r =
        CliHarness.harness()
            .env("KLDLOAD_NODE_ROOT", dir.toString())
            .env("HOME", dir.toString())
            .exec("kube-status");
    assertThat(r.exit()).as(r.toString()).isEqualTo(7);
    assertThat(r.err()).contains("hint: is this a control plane node?");
  }
}
