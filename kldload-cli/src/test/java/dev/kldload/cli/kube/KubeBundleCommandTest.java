package dev.kldload.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.cli.Main;
import dev.kldload.cli.support.Cli;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.kube.node.StackLock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeBundleCommandTest {
  @TempDir Path dir;

  private CliHarness harness() {
    return CliHarness.harness()
        .env("KLDLOAD_STATE_DIR", dir.resolve("state").toString())
        .env("KLDLOAD_RUN_DIR", dir.resolve("run").toString())
        .env("KLDLOAD_KUBE_BUNDLE", dir.resolve("bundle").toString())
        .env("KLDLOAD_KUBE_BUNDLE_SOURCES", dir.resolve("sources.yaml").toString());
  }

  /** A bundle of one package and one image archive, with its lock. */
  private Path bundle() throws Exception {
    Path bundle = Files.createDirectories(dir.resolve("bundle"));
    Path deb =
        Files.createDirectories(bundle.resolve("debs")).resolve("kubelet_1.37.1-1.1_amd64.deb");
    Files.writeString(deb, "deb");
    Path tar = Files.createDirectories(bundle.resolve("k8s-images")).resolve("pause_3.10.2_a.tar");
    Files.writeString(tar, "tar");
    StackLock lock =
        new StackLock(
            "v1.37.1",
            List.of(
                new StackLock.Artifact(
                    "kubelet",
                    "1.37.1-1.1",
                    "debs/kubelet_1.37.1-1.1_amd64.deb",
                    sha256(deb),
                    null,
                    "http://127.0.0.1:9/kubelet.deb")),
            List.of(),
            List.of(),
            List.of(),
            List.of(
                new StackLock.Image(
                    "images.example.test/pause:3.10.2",
                    "images.example.test",
                    "sha256:" + "b".repeat(64),
                    "k8s-images/pause_3.10.2_a.tar",
                    sha256(tar))),
            "amd64");
    Files.writeString(StackLock.inBundle(bundle), lock.toYaml());
    return bundle;
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  @DisplayName("verify: exit 0 when the bundle is exactly its lock")
  void verifyClean() throws Exception {
    bundle();
    CliHarness.Result r = harness().exec("kube-bundle", "verify");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("every file matches the stack lock");
  }

  @Test
  @DisplayName("verify: exit 1 with one line per mismatching artefact")
  void verifyMismatch() throws Exception {
    Path bundle = bundle();
    Files.writeString(bundle.resolve("k8s-images/pause_3.10.2_a.tar"), "other");
    Files.writeString(bundle.resolve("debs/kubelet_1.37.1-1.1_amd64.deb.partial"), "half");
    CliHarness.Result r = harness().exec("kube-bundle", "verify", bundle.toString());
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.out().lines().toList())
        .hasSize(2)
        .anyMatch(l -> l.startsWith("k8s-images/pause_3.10.2_a.tar: SHA-256 "))
        .contains("debs/kubelet_1.37.1-1.1_amd64.deb.partial: not in the stack lock");
    assertThat(r.err()).contains("2 file(s) do not match");
  }

  @Test
  @DisplayName("verify: exit 6 without a stack lock")
  void verifyNoLock() {
    CliHarness.Result r = harness().exec("kube-bundle", "verify", dir.toString());
    assertThat(r.exit()).as(r.toString()).isEqualTo(6);
    assertThat(r.err()).contains("no stack lock at");
  }

  @Test
  @DisplayName("build: a missing sources file is exit 6 naming it, before anything is fetched")
  void buildWithoutSources() {
    CliHarness.Result r = harness().exec("kube-bundle", "build");
    assertThat(r.exit()).as(r.toString()).isEqualTo(6);
    assertThat(r.err()).contains("no bundle sources file at " + dir.resolve("sources.yaml"));
    assertThat(dir.resolve("bundle")).doesNotExist();
  }

  @Test
  @DisplayName("build: a sources file without an entry the stack needs is exit 6 naming the key")
  void buildWithIncompleteSources() throws IOException {
    Files.writeString(
        dir.resolve("sources.yaml"),
        "apt: {url: 'http://127.0.0.1:9/apt', suite: /, keyring: /nonexistent.gpg}\n");
    CliHarness.Result r = harness().exec("kube-bundle", "build");
    assertThat(r.exit()).as(r.toString()).isEqualTo(6);
    assertThat(r.err()).contains("the bundle sources name no releases.helm.url");
  }

  @Test
  @DisplayName("build: an unknown key in the sources file is exit 2")
  void buildWithUnknownKey() throws IOException {
    Files.writeString(dir.resolve("sources.yaml"), "aptt: {}\n");
    CliHarness.Result r = harness().exec("kube-bundle", "build");
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("bundle sources " + dir.resolve("sources.yaml") + " is not valid");
  }

  @Test
  @DisplayName("build: --from and --kubernetes together are a usage error")
  void fromAndKubernetes() {
    CliHarness.Result r =
        harness().exec("kube-bundle", "build", "--from", "x.yaml", "--kubernetes", "v1.37.1");
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
  }

  @Test
  @DisplayName("serve: a bad --listen is exit 2; an address in use is exit 5")
  void serveErrors() throws Exception {
    bundle();
    CliHarness.Result bad = harness().exec("kube-bundle", "serve", "--listen", "nowhere");
    assertThat(bad.exit()).as(bad.toString()).isEqualTo(2);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliHarness.Result busy =
          harness().exec("kube-bundle", "serve", "--listen", "127.0.0.1:" + taken.getLocalPort());
      assertThat(busy.exit()).as(busy.toString()).isEqualTo(5);
      assertThat(busy.err()).contains("cannot listen on");
    }
  }

  @Test
  @DisplayName("serve: answers the lock until cancelled (Ctrl-C, SIGTERM), then exits 0")
  void serveUntilCancelled() throws Exception {
    Path bundle = bundle();
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Cli cli = harness().cli();
    CompletableFuture<Integer> serving =
        CompletableFuture.supplyAsync(
            () -> Main.run(cli, "kube-bundle", "serve", "--listen", "127.0.0.1:" + port));
    HttpClient client = HttpClient.newHttpClient();
    URI lock = URI.create("http://127.0.0.1:" + port + "/k8s-stack.lock.yaml");
    HttpResponse<String> answer =
        Conditions.system(new CancellationToken())
            .await(
                "kube-bundle serve to answer",
                Duration.ofSeconds(20),
                () -> {
                  try {
                    return Optional.of(
                        client.send(
                            HttpRequest.newBuilder(lock).build(),
                            HttpResponse.BodyHandlers.ofString()));
                  } catch (IOException e) {
                    return Optional.empty();
                  }
                });
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(Files.readString(StackLock.inBundle(bundle)));
    cli.cancellation().cancel();
    assertThat(serving.get(20, TimeUnit.SECONDS)).isZero();
  }

  @Test
  @DisplayName("kube-bundle without a verb is a usage error")
  void missingVerb() {
    assertThat(harness().exec("kube-bundle").exit()).isEqualTo(2);
  }
}
