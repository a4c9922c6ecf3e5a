package dev.kldload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import dev.kldload.kvm.InMemoryHypervisor;
import dev.kldload.zfs.InMemoryZfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DESIGN §3: a dry-run takes no lock and needs no root. Each mutating command runs with --dry-run
 * against in-memory engines and a recording runner, with a run directory that does not exist (as
 * for a user who cannot write /run/kldload): it exits 0, the run directory is never created, no
 * mutating program runs and the engines are unchanged.
 */
class DryRunTest {
  static final String KEY = "9EPsB9sZvy+NN5iWebK201vFweXftl4FSiKpH+h+/D0=";
  static final String K8S_KEY = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=";

  @TempDir Path dir;
  InMemoryZfs zfs;
  InMemoryHypervisor hypervisor;
  final List<ProcessSpec> ran = new ArrayList<>();

  static Stream<List<String>> commands() {
    return Stream.of(
        List.of("ksnap", "--dry-run", "tank/srv"),
        List.of("ksnap", "create", "--dry-run", "tank/srv"),
        List.of("ksnap", "rollback", "--dry-run", "tank/srv@first"),
        List.of("ksnap", "destroy", "--dry-run", "tank/srv@first"),
        List.of("ksnap", "prune", "--dry-run"),
        List.of("ksnap", "auto", "--dry-run"),
        List.of("kclone", "--dry-run", "tank/srv", "tank/copy"),
        List.of("kvm-create", "--dry-run", "fresh", "--disk", "1G", "--firmware", "bios"),
        List.of("kvm-clone", "--dry-run", "golden", "web01"),
        List.of("kvm-snap", "--dry-run", "golden", "s1"),
        List.of("kvm-snap", "golden", "rollback", "--dry-run", "--destroy-newer"),
        List.of("kvm-snap", "golden", "delete", "--dry-run", "s0"),
        List.of("kvm-delete", "--dry-run", "golden"),
        List.of("kube-network", "init", "--dry-run", "--force", "2"),
        List.of("kube-network", "apply", "--dry-run", "--mesh", "MESH"),
        List.of("kube-network", "add-peer", "--dry-run", "10.0.0.3", "3", "--mgmt-key", KEY),
        List.of("kube-network", "remove-peer", "--dry-run", "3"),
        List.of("kube-network", "pin-kubelet", "--dry-run"),
        List.of("kube-network", "nft", "--dry-run", "--lan-interface", "eth0"),
        List.of("kube-setup", "--dry-run", "--node-ip", "10.251.0.2", "--lock", "LOCK"),
        List.of("kube-init", "--dry-run", "--node-ip", "192.168.122.10", "--lock", "LOCK"),
        List.of("kube-join", "--dry-run", "--join-command", "JOIN", "10.251.0.1"),
        List.of("kube-reset", "--dry-run"),
        List.of("kube-load-images", "--dry-run", "IMAGES"));
  }

  @BeforeEach
  void engines() throws Exception {
    zfs = InMemoryZfs.withPool(Clock.systemUTC(), "tank", ByteSize.parse("10G"));
    zfs.createFilesystem(DatasetName.of("tank/srv"), Map.of());
    zfs.snapshot(SnapshotName.parse("tank/srv@first"), Map.of());
    hypervisor = new InMemoryHypervisor();
    Files.createDirectories(dir.resolve("node/etc"));
    Files.writeString(
        dir.resolve("join"),
        "kubeadm join 10.251.0.1:6443 --token abcdef.0123456789abcdef"
            + " --discovery-token-ca-cert-hash sha256:"
            + "0123456789abcdef".repeat(4)
            + "\n");
    // it holds a token: kube-join refuses one that others can read
    Files.setPosixFilePermissions(
        dir.resolve("join"), PosixFilePermissions.fromString("rw-------"));
    StringBuilder lock = new StringBuilder("kubernetes: v1.32.3\ncharts:\n");
    for (String chart : List.of("cilium", "metallb", "zfs-localpv", "metrics-server")) {
      lock.append("  - {name: " + chart + ", version: 1.0.0, file: helm-charts/" + chart)
          .append(".tgz, sha256: " + "0123456789abcdef".repeat(4) + "}\n");
    }
    lock.append("manifests:\n  - {name: gateway-api, version: v1.2.1,")
        .append(" file: k8s-manifests/gateway-api.yaml, sha256: " + "0123456789abcdef".repeat(4))
        .append("}\n");
    Files.writeString(dir.resolve("lock.yaml"), lock);
    Files.writeString(dir.resolve("node/etc/hostname"), "kldload-cp-1\n");
    Files.createDirectories(dir.resolve("images"));
    Files.write(dir.resolve("images/pause.tar"), new byte[] {0});
    // what the commands act on, made by real runs under another run directory
    assertOk(setup().exec("kvm-create", "golden", "--disk", "1G", "--firmware", "bios"));
    // the recording runner ran no qemu-img: stand in for the disk with snapshot s0 under it
    qcow2(dir.resolve("libvirt-images/golden@s0.qcow2"), "");
    qcow2(dir.resolve("libvirt-images/golden.qcow2"), "golden@s0.qcow2");
    hypervisor.createSnapshot("golden", "s0", "");
    assertOk(setup().exec("kube-network", "init", "1"));
    CliHarness.Result keys = setup().exec("kube-network", "show-keys", "-o", "json");
    assertOk(keys);
    JsonNode own = new ObjectMapper().readTree(keys.out());
    Files.writeString(
        dir.resolve("mesh.yaml"),
        "nodes:\n"
            + "  - {id: 1, endpoint: 10.0.0.1, mgmtKey: '"
            + own.get("mgmtPublicKey").asText()
            + "', k8sKey: '"
            + own.get("k8sPublicKey").asText()
            + "'}\n"
            + "  - {id: 2, endpoint: 10.0.0.2, mgmtKey: '"
            + KEY
            + "', k8sKey: '"
            + K8S_KEY
            + "'}\n");
    ran.clear();
  }

  private CliHarness harness(Path runDir) {
    return CliHarness.harness()
        .zfs(zfs)
        .hypervisor(uri -> hypervisor)
        .runner(
            spec -> {
              ran.add(spec);
              makeDisk(spec.argv());
              return new ProcessResult(spec, 0, answer(spec.argv()), "", Duration.ZERO);
            })
        .env("HOME", dir.toString())
        .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
        .env("KLDLOAD_RUN_DIR", runDir.toString())
        .env("KLDLOAD_KVM_IMAGES_DIR", dir.resolve("libvirt-images").toString())
        .env("KLDLOAD_KVM_BACKEND", "qcow2")
        .env("KLDLOAD_NODE_ROOT", dir.resolve("node").toString())
        .env("KLDLOAD_NET_WIREGUARD_DIR", dir.resolve("wireguard").toString())
        .env("KLDLOAD_NET_KUBELET_DEFAULTS", dir.resolve("kubelet").toString())
        .env("KLDLOAD_NET_BOOT_UNITS", "false")
        .env("KLDLOAD_NET_NFT_FILE", dir.resolve("nftables.nft").toString());
  }

  /** The one read whose answer a plan needs: the k8s plane's address, for pin-kubelet. */
  private static String answer(List<String> argv) {
    return argv.equals(List.of("ip", "-j", "addr", "show", "dev", "wg-k8s"))
        ? "[{\"ifname\":\"wg-k8s\",\"addr_info\":"
            + "[{\"family\":\"inet\",\"local\":\"10.251.0.1\",\"prefixlen\":24}]}]"
        : "";
  }

  /**
   * Stands in for {@code qemu-img create} in the setup's real runs: the backend writes the disk
   * under a temporary name and renames it, so the file must exist.
   */
  private static void makeDisk(List<String> argv) {
    if (argv.size() > 2 && argv.get(0).equals("qemu-img") && argv.get(1).equals("create")) {
      argv.stream()
          .filter(a -> a.endsWith(".qcow2"))
          .reduce((first, second) -> second)
          .ifPresent(
              file -> {
                try {
                  qcow2(Path.of(file), "");
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  /** A qcow2 header (magic, version 3, backing file name, 1 GiB), as qemu-img writes it. */
  private static void qcow2(Path file, String backing) throws IOException {
    byte[] name = backing.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(32 + name.length);
    b.putInt(0x514649fb).putInt(3).putLong(name.length == 0 ? 0 : 32).putInt(name.length);
    b.putInt(0).putLong(1L << 30).put(name);
    Files.write(file, b.array());
  }

  private CliHarness setup() {
    return harness(dir.resolve("setup-run"));
  }

  private static void assertOk(CliHarness.Result r) {
    assertThat(r.exit()).as(r.toString()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  @DisplayName(
      "a dry-run exits 0, takes no lock (the run directory is never made), changes nothing")
  void dryRun(List<String> command) throws IOException {
    Path runDir = dir.resolve("run");
    List<String> args =
        command.stream()
            .map(a -> a.equals("JOIN") ? dir.resolve("join").toString() : a)
            .map(a -> a.equals("IMAGES") ? dir.resolve("images").toString() : a)
            .map(a -> a.equals("MESH") ? dir.resolve("mesh.yaml").toString() : a)
            .map(a -> a.equals("LOCK") ? dir.resolve("lock.yaml").toString() : a)
            .toList();
    List<String> datasets = datasets();
    int domains = hypervisor.domains().size();
    Map<Path, Long> files = files();

    CliHarness.Result r = harness(runDir).exec(args.toArray(String[]::new));

    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(runDir).as(r.toString()).doesNotExist();
    assertThat(ran).as(r.toString()).allSatisfy(s -> assertThat(s.readOnly()).isTrue());
    assertThat(datasets()).as(r.toString()).isEqualTo(datasets);
    assertThat(hypervisor.domains()).as(r.toString()).hasSize(domains);
    assertThat(hypervisor.snapshots("golden")).as(r.toString()).hasSize(1);
    assertThat(files()).as(r.toString()).isEqualTo(files);
  }

  private List<String> datasets() {
    return Stream.concat(
            zfs.allDatasets().stream().map(d -> d.name().value()),
            zfs.snapshots(DatasetName.of("tank"), true).stream().map(s -> s.name().toString()))
        .sorted()
        .toList();
  }

  /** Every file under the test directory with its last-modified time. */
  private Map<Path, Long> files() throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      Map<Path, Long> out = new TreeMap<>();
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        out.put(p, Files.getLastModifiedTime(p).toMillis());
      }
      return out;
    }
  }
}
