package dev.kldload.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.core.lock.HostLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KubeJoinCommandTest {
  static final String TOKEN = "abcdef.0123456789abcdef";
  static final String HASH = "sha256:" + "0123456789abcdef".repeat(4);
  static final String GOOD =
      "kubeadm join 10.251.0.1:6443 --token "
          + TOKEN
          + " --discovery-token-ca-cert-hash "
          + HASH
          + "\n";

  @TempDir Path dir;
  RecordingCli cli;
  Path joinFile;

  @BeforeEach
  void node() throws Exception {
    Files.createDirectories(dir.resolve("node"));
    joinFile = dir.resolve("join-command");
    cli =
        new RecordingCli()
            .env("KLDLOAD_NODE_ROOT", dir.resolve("node").toString())
            .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
            .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString());
  }

  CliHarness.Result join(String joinCommand, String... args) throws Exception {
    Files.writeString(joinFile, joinCommand);
    Files.setPosixFilePermissions(joinFile, PosixFilePermissions.fromString("rw-------"));
    List<String> all = new ArrayList<>(List.of("kube-join", "--join-command", joinFile.toString()));
    all.addAll(List.of(args));
    return cli.exec(all.toArray(String[]::new));
  }

  @Test
  @DisplayName("a valid join runs kubeadm join with the parsed words, and never prints the token")
  void joins() throws Exception {
    CliHarness.Result r = join(GOOD, "10.251.0.1");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(cli.ran).hasSize(1);
    Path config = dir.resolve("node/etc/kldload/kube-join/join.yaml");
    assertThat(cli.ran.get(0).argv())
        .as("the token is not on the command line")
        .containsExactly("kubeadm", "join", "--config", config.toString());
    assertThat(cli.configs)
        .singleElement()
        .satisfies(
            c ->
                assertThat(c)
                    .contains("kind: JoinConfiguration", "apiServerEndpoint: 10.251.0.1:6443")
                    .contains("token: " + TOKEN, "- " + HASH)
                    .doesNotContain("controlPlane"));
    assertThat(config).as("removed once kubeadm returned").doesNotExist();
    assertThat(r.out() + r.err()).doesNotContain(TOKEN);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.251.0.1;reboot",
        "$(id)",
        "-oProxy",
        "10.251.0.1:99999",
        "a b",
        "[zz::1]:6443"
      })
  @DisplayName("a bad endpoint exits 2 and runs nothing")
  void badEndpoint(String endpoint) throws Exception {
    CliHarness.Result r = join(GOOD, endpoint);
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: ");
    assertThat(cli.ran).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "kubeadm join 10.251.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef ; rm -rf /",
        "kubeadm join 10.251.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef --ignore-preflight-errors=all",
        "kubeadm join 10.251.0.1:6443 --token ABCDEF.0123456789abcdef --discovery-token-ca-cert-hash sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "kubeadm join 10.251.0.1:6443 --token abcdef.0123 --discovery-token-ca-cert-hash sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "kubeadm join 10.251.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash md5:0123",
        "kubeadm join 10.251.0.1 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "sudo join 10.251.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "kubeadm join $(curl evil):6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ""
      })
  @DisplayName(
      "a join command with an extra word, a wrong token shape or another form exits 2, runs nothing")
  void badJoinCommand(String command) throws Exception {
    CliHarness.Result r = join(command + "\n", "10.251.0.1:6443");
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(cli.ran).isEmpty();
  }

  @Test
  @DisplayName("a join-command file with a second line exits 2 naming the file, runs nothing")
  void secondLine() throws Exception {
    CliHarness.Result r = join(GOOD + "kubeadm reset -f\n", "10.251.0.1");
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains(joinFile.toString(), "2 lines").contains("hint:");
    assertThat(cli.ran).isEmpty();
  }

  @Test
  @DisplayName("a join-command file others can read exits 2 naming the file, runs nothing")
  void readableByOthers() throws Exception {
    Files.writeString(joinFile, GOOD);
    Files.setPosixFilePermissions(joinFile, PosixFilePermissions.fromString("rw-r--r--"));
    CliHarness.Result r =
        cli.exec("kube-join", "--join-command", joinFile.toString(), "10.251.0.1");
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains(joinFile.toString(), "0644", "chmod 600");
    assertThat(cli.ran).isEmpty();
  }

  @Test
  @DisplayName("without --join-command it reads the node's /etc/kldload/join-command (kube-init's)")
  void defaultFile() throws Exception {
    Path file = dir.resolve("node/etc/kldload/join-command");
    Files.createDirectories(file.getParent());
    Files.writeString(file, GOOD);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    CliHarness.Result r = cli.exec("kube-join", "10.251.0.1");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(cli.ran.get(0).argv()).startsWith("kubeadm", "join", "--config");
    assertThat(cli.configs).singleElement().satisfies(c -> assertThat(c).contains(TOKEN));
  }

  @Test
  @DisplayName("on a ZFS root a real join takes the zfs lock (pre-join snapshot): exit 5 when held")
  void zfsLock() throws Exception {
    Files.createDirectories(dir.resolve("node/proc/self"));
    Files.writeString(dir.resolve("node/proc/self/mounts"), "rpool/ROOT/debian / zfs rw 0 0\n");
    try (HostLock held = HostLock.acquire(dir.resolve("run"), "zfs", "test")) {
      CliHarness.Result r = join(GOOD, "10.251.0.1");
      assertThat(r.exit()).as(r.toString()).isEqualTo(5);
      assertThat(r.err()).contains("zfs is locked");
    }
    assertThat(cli.ran).isEmpty();
  }

  @Test
  @DisplayName("a join command for another endpoint exits 2; a node already in a cluster exits 5")
  void mismatchAndAlreadyJoined() throws Exception {
    CliHarness.Result other = join(GOOD, "10.251.0.9");
    assertThat(other.exit()).as(other.toString()).isEqualTo(2);
    assertThat(other.err())
        .contains("the join command is for 10.251.0.1:6443, not 10.251.0.9:6443");
    Files.createDirectories(dir.resolve("node/etc/kubernetes"));
    Files.writeString(dir.resolve("node/etc/kubernetes/kubelet.conf"), "x");
    CliHarness.Result joined = join(GOOD, "10.251.0.1");
    assertThat(joined.exit()).as(joined.toString()).isEqualTo(5);
    assertThat(joined.err()).contains("already belongs to a cluster").contains("kube-reset");
    assertThat(cli.ran).isEmpty();
  }

  @Test
  @DisplayName("--control-plane needs a 64-hex certificate key and adds the control-plane flags")
  void controlPlane() throws Exception {
    Path key = dir.resolve("certificate-key");
    Files.writeString(key, "not-hex\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    CliHarness.Result bad =
        join(
            GOOD,
            "--control-plane",
            "--certificate-key-file",
            key.toString(),
            "--advertise-address",
            "10.251.0.2",
            "10.251.0.1");
    assertThat(bad.exit()).as(bad.toString()).isEqualTo(2);
    assertThat(cli.ran).isEmpty();
    Files.writeString(key, "ab".repeat(32) + "\n");
    // what kubeadm join leaves on a control plane (the recording runner runs nothing)
    Files.createDirectories(dir.resolve("node/etc/kubernetes"));
    Files.writeString(dir.resolve("node/etc/kubernetes/admin.conf"), "apiVersion: v1\n");
    CliHarness.Result ok =
        join(
            GOOD,
            "--control-plane",
            "--certificate-key-file",
            key.toString(),
            "--advertise-address",
            "10.251.0.2",
            "10.251.0.1");
    assertThat(ok.exit()).as(ok.toString()).isZero();
    assertThat(cli.configs)
        .singleElement()
        .satisfies(
            c ->
                assertThat(c)
                    .contains("controlPlane:", "advertiseAddress: 10.251.0.2")
                    .contains("certificateKey: " + "ab".repeat(32))
                    .contains("name: node-ip", "value: 10.251.0.2"));
    assertThat(dir.resolve("node/root/.kube/config")).hasContent("apiVersion: v1");
  }

  @Test
  @DisplayName(
      "--vip: a joined control plane writes the kube-vip static pod after the join; a worker"
          + " with --vip is exit 2")
  void vip() throws Exception {
    CliHarness.Result worker =
        join(
            GOOD,
            "--vip",
            "192.168.122.240",
            "--kube-vip-image",
            "registry.example/kube-vip/kube-vip:v1.2.4",
            "10.251.0.1");
    assertThat(worker.exit()).as(worker.toString()).isEqualTo(2);
    assertThat(cli.ran).isEmpty();
    Path key = dir.resolve("node/etc/kldload/certificate-key");
    Files.createDirectories(key.getParent());
    Files.writeString(key, "ab".repeat(32) + "\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Files.createDirectories(dir.resolve("node/etc/kubernetes"));
    Files.writeString(dir.resolve("node/etc/kubernetes/admin.conf"), "apiVersion: v1\n");
    CliHarness.Result cp =
        join(
            GOOD,
            "--control-plane",
            "--advertise-address",
            "10.251.0.2",
            "--vip",
            "192.168.122.240",
            "--vip-interface",
            "enp1s0",
            "--kube-vip-image",
            "registry.example/kube-vip/kube-vip:v1.2.4",
            "10.251.0.1");
    assertThat(cp.exit()).as(cp.toString()).isZero();
    assertThat(dir.resolve("node/etc/kubernetes/manifests/kube-vip.yaml"))
        .content()
        .contains("value: 192.168.122.240", "value: enp1s0", "path: /etc/kubernetes/admin.conf");
  }
}
