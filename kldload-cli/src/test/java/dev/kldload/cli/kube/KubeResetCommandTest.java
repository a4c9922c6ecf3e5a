package dev.kldload.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.core.lock.HostLock;
import dev.kldload.core.process.ProcessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeResetCommandTest {
  @TempDir Path dir;
  RecordingCli cli;
  Path node;

  @BeforeEach
  void joinedNode() throws Exception {
    node = dir.resolve("node");
    for (String f :
        new String[] {
          "etc/kubernetes/admin.conf",
          "etc/kubernetes/kubelet.conf",
          "etc/kubernetes/pki/ca.key",
          "etc/kubernetes/manifests/etcd.yaml",
          "var/lib/etcd/member/snap/db",
          "var/lib/kubelet/config.yaml",
          "etc/cni/net.d/05-cilium.conflist",
          "root/.kube/config",
          "etc/kldload/nftables.nft",
          "etc/kldload/join-command",
          "etc/kldload/certificate-key",
          "etc/kldload/kube-join/join.yaml",
          "var/lib/kldload/kubelet-token",
          "etc/kubernetes/keep-me.txt"
        }) {
      Files.createDirectories(node.resolve(f).getParent());
      Files.writeString(node.resolve(f), "x");
    }
    cli =
        new RecordingCli()
            .env("KLDLOAD_NODE_ROOT", node.toString())
            .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
            .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString());
  }

  @Test
  @DisplayName("without a terminal and without --yes it refuses with exit 2 and changes nothing")
  void needsConfirmation() {
    CliHarness.Result r = cli.exec("kube-reset");
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("add --yes");
    assertThat(cli.ran).isEmpty();
    assertThat(node.resolve("etc/kubernetes/admin.conf")).exists();
  }

  @Test
  @DisplayName(
      "--yes removes the cluster state and the boot firewall, keeps the datasets, leaves iptables")
  void resets() {
    CliHarness.Result r = cli.exec("kube-reset", "--yes");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(node.resolve("etc/kubernetes/admin.conf")).doesNotExist();
    assertThat(node.resolve("etc/kubernetes/pki")).doesNotExist();
    assertThat(node.resolve("root/.kube/config")).doesNotExist();
    assertThat(node.resolve("var/lib/etcd")).isEmptyDirectory();
    assertThat(node.resolve("var/lib/kubelet")).isEmptyDirectory();
    assertThat(node.resolve("etc/cni/net.d")).isEmptyDirectory();
    assertThat(node.resolve("etc/kubernetes/keep-me.txt")).exists();
    for (String secret :
        List.of(
            "etc/kldload/join-command",
            "etc/kldload/certificate-key",
            "etc/kldload/kube-join/join.yaml",
            "var/lib/kldload/kubelet-token")) {
      assertThat(node.resolve(secret)).as(secret).doesNotExist();
    }
    assertThat(node.resolve("etc/kldload/nftables.nft"))
        .as("the table must not come back at the next boot")
        .doesNotExist();
    assertThat(cli.ran.stream().map(ProcessSpec::program)).doesNotContain("iptables", "ip6tables");
    assertThat(cli.ran.stream().filter(s -> !s.readOnly()).map(ProcessSpec::argv))
        .allSatisfy(
            argv ->
                assertThat(argv)
                    .isIn(
                        List.of("nft", "delete", "table", "inet", "kldload"),
                        List.of("kubeadm", "reset", "-f")));
  }

  @Test
  @DisplayName(
      "a real run takes the firewall lock, and the zfs lock when / is on ZFS (exit 5 held)")
  void locks() throws Exception {
    try (HostLock held = HostLock.acquire(dir.resolve("run"), "firewall", "test")) {
      CliHarness.Result r = cli.exec("kube-reset", "--yes");
      assertThat(r.exit()).as(r.toString()).isEqualTo(5);
      assertThat(r.err()).contains("firewall is locked");
      assertThat(cli.exec("kube-reset", "--dry-run").exit()).as("a dry-run takes no lock").isZero();
    }
    Files.createDirectories(node.resolve("proc/self"));
    Files.writeString(node.resolve("proc/self/mounts"), "rpool/ROOT/debian / zfs rw 0 0\n");
    try (HostLock held = HostLock.acquire(dir.resolve("run"), "zfs", "test")) {
      CliHarness.Result r = cli.exec("kube-reset", "--yes");
      assertThat(r.exit()).as(r.toString()).isEqualTo(5);
      assertThat(r.err()).contains("zfs is locked");
    }
    assertThat(cli.ran).allSatisfy(s -> assertThat(s.readOnly()).isTrue());
    assertThat(node.resolve("etc/kubernetes/admin.conf")).exists();
  }

  @Test
  @DisplayName("--dry-run lists the steps and removes nothing")
  void dryRun() {
    CliHarness.Result r = cli.exec("kube-reset", "--dry-run");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("remove-state", "nft-table");
    assertThat(node.resolve("etc/kubernetes/admin.conf")).exists();
    assertThat(cli.ran).allSatisfy(s -> assertThat(s.readOnly()).isTrue());
  }
}
