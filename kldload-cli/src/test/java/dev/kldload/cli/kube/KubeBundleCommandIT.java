package dev.kldload.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.cli.Main;
import dev.kldload.core.io.YamlInput;
import dev.kldload.core.testing.Requirements;
import dev.kldload.kube.bundle.BundleUpstream;
import dev.kldload.kube.bundle.StackDefinition;
import dev.kldload.kube.node.StackLock;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kube-bundle end to end on kldload's own stack, against upstreams the test serves on loopback. */
class KubeBundleCommandIT {
  @TempDir Path dir;
  private BundleUpstream upstream;
  private Path sources;
  private Path bundle;

  @BeforeEach
  void upstream() throws Exception {
    for (String tool : List.of("gpg", "gpgv", "apt-ftparchive", "dpkg-deb", "tar")) {
      Requirements.require(Requirements.onPath(tool), tool + " is needed (src-test-fixtures/apt)");
    }
    upstream =
        new BundleUpstream(Files.createDirectories(dir.resolve("up")), StackDefinition.standard());
    sources = dir.resolve("sources.yaml");
    Files.writeString(sources, YamlInput.mapper().writeValueAsString(upstream.sources()));
    bundle = dir.resolve("bundle");
  }

  @AfterEach
  void close() {
    upstream.close();
  }

  @Test
  @DisplayName("build, verify, repair and --from LOCK through the command line")
  void buildVerifyReproduce() throws Exception {
    CliHarness harness =
        CliHarness.harness()
            .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
            .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString())
            .env("KLDLOAD_KUBE_BUNDLE", bundle.toString())
            .imageRegistry(mirrors -> upstream.images());

    CliHarness.Result built = harness.exec("kube-bundle", "build", "--sources", sources.toString());
    assertThat(built.exit()).as(built.toString()).isZero();
    assertThat(built.err())
        .contains("kube-bundle: package kubeadm: ")
        .contains("bytes, verified")
        .contains("no published checksum");
    StackLock lock = StackLock.load(StackLock.inBundle(bundle));
    assertThat(lock.kubernetes()).isEqualTo(StackDefinition.standard().kubernetes());
    assertThat(lock.charts()).hasSize(5);
    assertThat(lock.tools())
        .extracting(StackLock.Artifact::name)
        .containsExactly("helm", "cilium", "hubble", "k9s");

    CliHarness.Result verified = harness.exec("kube-bundle", "verify");
    assertThat(verified.exit()).as(verified.toString()).isZero();

    String chart = lock.charts().get(0).file();
    Files.writeString(bundle.resolve(chart), "corrupt");
    CliHarness.Result bad = harness.exec("kube-bundle", "verify");
    assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
    assertThat(bad.out()).startsWith(chart + ": SHA-256 ");
    CliHarness.Result repaired =
        harness.exec("kube-bundle", "build", "--sources", sources.toString());
    assertThat(repaired.exit()).as(repaired.toString()).isZero();
    assertThat(harness.exec("kube-bundle", "verify").exit()).isZero();

    Path copy = dir.resolve("copy");
    CliHarness.Result reproduced =
        harness.exec(
            "kube-bundle",
            "build",
            "--from",
            StackLock.inBundle(bundle).toString(),
            "--dir",
            copy.toString());
    assertThat(reproduced.exit()).as(reproduced.toString()).isZero();
    assertThat(files(copy)).isEqualTo(files(bundle));
    for (String f : files(bundle)) {
      assertThat(Files.mismatch(copy.resolve(f), bundle.resolve(f))).as(f).isEqualTo(-1L);
    }
  }

  @Test
  @DisplayName("SIGTERM mid-download: exit 130, and the re-run fetches only what was not verified")
  void sigtermResumes() throws Exception {
    String stalled = "/releases/k9s/v0.51.0/k9s-v0.51.0-linux-amd64.tar.gz";
    upstream.stall(stalled);

    // a real process, so the real signal handler turns SIGTERM into a cancelled plan
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "kube-bundle",
            "build",
            "--sources",
            sources.toString(),
            "--dir",
            bundle.toString());
    pb.environment().put("KLDLOAD_STATE_DIR", dir.resolve("state").toString());
    pb.environment().put("KLDLOAD_RUN_DIR", dir.resolve("run").toString());
    pb.environment().put("KLDLOAD_LOG_DIR", dir.resolve("log").toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("build.log").toFile());
    Process build = pb.start();
    try {
      assertThat(upstream.stallReached.await(60, TimeUnit.SECONDS))
          .as("the build reached the stalled download")
          .isTrue();
      build.destroy();
      assertThat(build.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      build.destroyForcibly();
      upstream.stallReleased.countDown();
    }
    String log = Files.readString(dir.resolve("build.log"));
    assertThat(build.exitValue()).as(log).isEqualTo(130);
    assertThat(bundle.resolve("bin/k9s-v0.51.0-linux-amd64.tar.gz")).doesNotExist();
    assertThat(StackLock.inBundle(bundle)).doesNotExist();
    List<String> kept = files(bundle).stream().filter(f -> !f.endsWith(".partial")).toList();
    assertThat(kept).isNotEmpty();

    CliHarness.Result resumed =
        CliHarness.harness()
            .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
            .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString())
            .imageRegistry(mirrors -> upstream.images())
            .exec(
                "kube-bundle",
                "build",
                "--sources",
                sources.toString(),
                "--dir",
                bundle.toString());
    assertThat(resumed.exit()).as(resumed.toString()).isZero();
    StackLock lock = StackLock.load(StackLock.inBundle(bundle));
    for (StackLock.Artifact a : allArtifacts(lock)) {
      String path = URI.create(a.source()).getPath();
      if (kept.contains(a.file())) {
        assertThat(upstream.requests(path)).as("verified before the kill: " + a.file()).isOne();
      } else if (path.equals(stalled)) {
        assertThat(upstream.requests(path)).as(a.file()).isEqualTo(2);
      } else {
        // in flight beside the stalled one when the signal came (its partial redone), or not begun
        assertThat(upstream.requests(path)).as(a.file()).isBetween(1, 2);
      }
    }
  }

  private static List<StackLock.Artifact> allArtifacts(StackLock lock) {
    return Stream.of(lock.packages(), lock.tools(), lock.charts(), lock.manifests())
        .flatMap(List::stream)
        .toList();
  }

  private static List<String> files(Path root) throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .map(f -> root.relativize(f).toString())
          .sorted()
          .toList();
    }
  }
}
