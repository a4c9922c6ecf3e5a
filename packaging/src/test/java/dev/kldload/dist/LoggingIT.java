package dev.kldload.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.NativeLibrary;
import dev.kldload.core.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logging of the runtime, whole-process: without a terminal, each tool logs to its own file. */
class LoggingIT {
  private static final Path BIN = Built.RUNTIME.resolve("bin");

  @Test
  @DisplayName(
      "a kvm-create run (admin and host SSH keys made, seed written) logs to"
          + " <log-dir>/kvm-create.log and no line of any private key reaches a log, even with"
          + " -vvv")
  void noKeyMaterialInLogs(@TempDir Path tmp) throws IOException {
    boolean libvirt;
    try {
      NativeLibrary.getInstance("virt");
      libvirt = true;
    } catch (UnsatisfiedLinkError e) {
      libvirt = false;
    }
    Requirements.require(libvirt, "libvirt0 (apt-get install libvirt0)");
    for (String tool : List.of("qemu-img", "xorriso", "ssh-keygen")) {
      Requirements.require(Requirements.onPath(tool), tool + " (src-test-fixtures/apt/kvm.list)");
    }
    Path logs = tmp.resolve("log");
    Map<String, String> env = new HashMap<>();
    env.put("HOME", tmp.toString());
    env.put("KLDLOAD_STATE_DIR", tmp.resolve("state").toString());
    env.put("KLDLOAD_RUN_DIR", tmp.resolve("run").toString());
    env.put("KLDLOAD_KVM_IMAGES_DIR", tmp.resolve("images").toString());
    env.put("KLDLOAD_KVM_BACKEND", "qcow2");
    env.put("KLDLOAD_KVM_VIRT_TYPE", "qemu");
    env.put("KLDLOAD_LOG_DIR", logs.toString());
    String vm = "log" + UUID.randomUUID().toString().substring(0, 6);
    Path image = tmp.resolve("cloud.qcow2");
    Proc img = Proc.run("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "256M");
    assertThat(img.exit()).as("%s", img).isZero();
    Proc r =
        Proc.run(
            List.of(
                BIN.resolve("kvm-create").toString(),
                vm,
                "--image",
                image.toString(),
                "--disk",
                "1G",
                "--firmware",
                "bios",
                "--connect",
                "test:///default",
                "-vvv"),
            env,
            false);
    assertThat(r.exit()).as("%s", r).isZero();

    // the admin key in the state directory, the guest's host key inside the seed ISO's user-data
    List<String> secretLines = privateKeyLines(tmp.resolve("state"));
    assertThat(secretLines).as("the admin key").isNotEmpty();
    int admin = secretLines.size();
    secretLines.addAll(privateKeyLines(tmp.resolve("images")));
    assertThat(secretLines).as("the seed carries a private host key").hasSizeGreaterThan(admin);
    Path log = logs.resolve("kvm-create.log");
    assertThat(log).isRegularFile();
    String logged = readAll(logs);
    assertThat(logged).as("stderr's lines are in the log").contains("kvm-create[");
    for (String secret : secretLines) {
      assertThat(logged).doesNotContain(secret);
      assertThat(r.err()).doesNotContain(secret);
    }
  }

  @Test
  @DisplayName(
      "a run on a terminal-less stderr with an unwritable log directory still works and"
          + " prints no logging noise")
  void unwritableLogDir(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    Proc r =
        Proc.run(
            List.of(BIN.resolve("kvm-list").toString(), "--connect", "test:///nonexistent"),
            Map.of("KLDLOAD_LOG_DIR", file.resolve("sub").toString()),
            false);
    assertThat(r.exit()).as("%s", r).isEqualTo(7);
    assertThat(r.err()).as("%s", r).contains("error: kvm-list").doesNotContain("logback", "SLF4J");
  }

  @Test
  @DisplayName(
      "kube-status -vvv against an unreachable API: fabric8 logs through Logback (no"
          + " SLF4J 'no providers' warning) and the kubeconfig's token is in no log")
  void fabric8LogsWithoutToken(@TempDir Path tmp) throws IOException {
    String token = "kldload-test-token-" + UUID.randomUUID();
    Path kubeconfig =
        Files.writeString(
            tmp.resolve("kubeconfig"),
            """
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster:
                server: https://127.0.0.1:9
            users:
            - name: u
              user:
                token: %s
            contexts:
            - name: x
              context: {cluster: c, user: u}
            current-context: x
            """
                .formatted(token));
    Path logs = tmp.resolve("log");
    Proc r =
        Proc.run(
            List.of(
                BIN.resolve("kube-status").toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "-vvv"),
            Map.of("KLDLOAD_LOG_DIR", logs.toString(), "HOME", tmp.toString()),
            false);
    assertThat(r.exit()).as("%s", r).isNotZero();
    assertThat(r.err())
        .as("%s", r)
        .doesNotContain("SLF4J", "No SLF4J providers")
        .doesNotContain(token);
    assertThat(logs.resolve("kube-status.log")).isRegularFile();
    String logged = readAll(logs);
    assertThat(logged).as("fabric8's debug lines reach the file at -vvv").contains("io.fabric8");
    assertThat(logged).doesNotContain(token);
  }

  /** Every base64 line of every private key file under {@code dir} (PEM or OpenSSH). */
  static List<String> privateKeyLines(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
        boolean in = false;
        for (String line : text.split("[\\r\\n\\x00]+")) {
          String l = line.strip();
          if (l.contains("-----BEGIN") && l.contains("PRIVATE KEY-----")) {
            in = true;
          } else if (l.contains("-----END")) {
            in = false;
          } else if (in && l.matches("[A-Za-z0-9+/=]{16,}")) {
            lines.add(l);
          }
        }
      }
    }
    return lines.stream().distinct().collect(Collectors.toList());
  }

  private static String readAll(Path dir) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        sb.append(Files.readString(f));
      }
    }
    return sb.toString();
  }
}
