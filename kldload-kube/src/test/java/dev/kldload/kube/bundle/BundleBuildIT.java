package dev.kldload.kube.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.kldload.core.ExitCode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.PlanResult;
import dev.kldload.core.plan.ProgressListener;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.kube.bundle.image.ImageRef;
import dev.kldload.kube.bundle.image.InMemoryImageRegistry;
import dev.kldload.kube.node.StackLock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kube-bundle build, verify and serve against real upstreams on loopback (see BundleUpstream). */
class BundleBuildIT {
  @TempDir Path tmp;
  private BundleUpstream upstream;
  private final List<String> progress = new CopyOnWriteArrayList<>();

  @BeforeEach
  void upstream() throws Exception {
    for (String tool : List.of("gpg", "gpgv", "apt-ftparchive", "dpkg-deb", "tar")) {
      Requirements.require(
          Requirements.onPath(tool),
          tool + " is needed (packages gnupg, gpgv, apt-utils, dpkg, tar)");
    }
    upstream = new BundleUpstream(Files.createDirectories(tmp.resolve("upstream")));
  }

  @AfterEach
  void close() {
    upstream.close();
  }

  private BundleBuilder builder() {
    return new BundleBuilder(
        new HttpFetcher(Duration.ofSeconds(5), Duration.ofSeconds(30)),
        new SystemProcessRunner(),
        mirrors -> upstream.images,
        progress::add);
  }

  private BundleBuilder.Request request(Path dir, BundleSources sources) {
    return new BundleBuilder.Request(
        dir, "amd64", BundleUpstream.STACK, Optional.of(sources), Optional.empty());
  }

  private PlanResult build(Path dir) throws Exception {
    return run(builder().plan(request(dir, upstream.sources())));
  }

  private static PlanResult run(Plan plan) {
    return PlanEngine.quiet(2).run(plan, false);
  }

  private static String debPath(String name) {
    return "/apt/v1.37/deb/amd64/" + name + "_1.37.1-1.1_amd64.deb";
  }

  @Test
  @DisplayName(
      "build writes the layout the node tools read, a lock of every file, and verify accepts it")
  void buildThenVerify() throws Exception {
    Path dir = tmp.resolve("bundle");
    PlanResult result = build(dir);
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.OK);

    StackLock lock = StackLock.load(StackLock.inBundle(dir));
    assertThat(lock.kubernetes()).isEqualTo("v1.37.1");
    assertThat(lock.arch()).isEqualTo("amd64");
    assertThat(lock.packages())
        .extracting(StackLock.Artifact::file)
        .containsExactly(
            "debs/kubeadm_1.37.1-1.1_amd64.deb",
            "debs/kubelet_1.37.1-1.1_amd64.deb",
            "debs/kubectl_1.37.1-1.1_amd64.deb",
            "debs/cri-tools_1.37.0-1.1_amd64.deb",
            "debs/kubernetes-cni_1.7.1-1.1_amd64.deb");
    assertThat(lock.tools())
        .extracting(StackLock.Artifact::file, StackLock.Artifact::binary)
        .containsExactly(
            tuple("bin/helm-v4.3.0-linux-amd64.tar.gz", "linux-amd64/helm"),
            tuple("bin/k9s-v0.51.0-linux-amd64.tar.gz", "k9s"));
    assertThat(lock.charts())
        .extracting(StackLock.Artifact::file)
        .containsExactly("helm-charts/cilium-1.20.2.tgz", "helm-charts/metallb-0.16.1.tgz");
    assertThat(lock.manifests().get(0).file()).isEqualTo("k8s-manifests/gateway-api-v1.6.1.yaml");
    assertThat(lock.images())
        .extracting(StackLock.Image::ref)
        .containsExactlyElementsOf(
            Stream.concat(
                    BundleUpstream.kubeadmImages("v1.37.1").stream(),
                    Stream.of(BundleUpstream.CHART_REGISTRY + "/" + BundleUpstream.CHART_IMAGE))
                .toList());
    assertThat(lock.images()).allSatisfy(i -> assertThat(i.file()).startsWith("k8s-images/"));
    assertThat(lock.packages().get(0).source()).isEqualTo(upstream.url() + debPath("kubeadm"));
    assertThat(BundleVerifier.problems(dir)).isEmpty();
    assertThat(Files.exists(dir.resolve(".kube-bundle"))).isFalse();
    assertThat(progress).anyMatch(l -> l.contains("pinned on first fetch"));
    assertThat(progress).anyMatch(l -> l.matches("package kubeadm: [0-9]+ bytes, verified"));

    // a second run keeps every verified file
    assertThat(build(dir).exitCode()).isEqualTo(ExitCode.OK);
    assertThat(upstream.requests(debPath("kubeadm"))).isEqualTo(1);
    assertThat(upstream.requests("/charts/cilium/cilium-1.20.2.tgz")).isEqualTo(1);
    assertThat(upstream.requests("/manifests/gateway-api/v1.6.1/install.yaml")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "verify names a corrupted, a missing and an extra file; a re-run of build repairs it")
  void verifyFindsCorruption() throws Exception {
    Path dir = tmp.resolve("bundle");
    assertThat(build(dir).exitCode()).isEqualTo(ExitCode.OK);
    Files.writeString(dir.resolve("helm-charts/cilium-1.20.2.tgz"), "tampered");
    Files.delete(dir.resolve("bin/k9s-v0.51.0-linux-amd64.tar.gz"));
    Files.writeString(dir.resolve("debs/extra.deb"), "x");

    assertThat(BundleVerifier.problems(dir))
        .hasSize(3)
        .anyMatch(l -> l.startsWith("helm-charts/cilium-1.20.2.tgz: SHA-256 "))
        .anyMatch(l -> l.equals("bin/k9s-v0.51.0-linux-amd64.tar.gz: missing"))
        .anyMatch(l -> l.equals("debs/extra.deb: not in the stack lock"));

    Files.delete(dir.resolve("debs/extra.deb"));
    assertThat(build(dir).exitCode()).isEqualTo(ExitCode.OK);
    assertThat(BundleVerifier.problems(dir)).isEmpty();
    assertThat(upstream.requests("/charts/cilium/cilium-1.20.2.tgz")).isEqualTo(2);
    assertThat(upstream.requests(debPath("kubelet"))).isEqualTo(1);
  }

  @Test
  @DisplayName("a Release signed by a key not in the keyring fails before anything is downloaded")
  void wrongSignature() throws Exception {
    Path other = Files.createDirectories(tmp.resolve("other-gnupg"));
    Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rwx------"));
    BundleUpstream.gpg(
        other, "--quick-gen-key", "other <other@example.test>", "ed25519", "sign", "never");
    Path otherKeyring = tmp.resolve("other.gpg");
    Files.write(
        otherKeyring,
        BundleUpstream.run(List.of("gpg", "--homedir", other.toString(), "--export"), other));
    Path dir = tmp.resolve("bundle");

    assertThatThrownBy(() -> builder().plan(request(dir, upstream.sources(otherKeyring))))
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining("Release is not signed by a key in " + otherKeyring)
        .satisfies(e -> assertThat(((KldloadException) e).exitCode()).isEqualTo(ExitCode.FAILED));
    assertThat(upstream.requests(debPath("kubeadm"))).isZero();
  }

  @Test
  @DisplayName("Packages changed after signing fails naming Packages")
  void packagesHashMismatch() throws Exception {
    Files.writeString(
        upstream.aptRepo().resolve("Packages"),
        "\nPackage: intruder\nVersion: 1\n",
        StandardOpenOption.APPEND);
    assertThatThrownBy(() -> builder().plan(request(tmp.resolve("bundle"), upstream.sources())))
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining(": Packages has SHA-256 ")
        .hasMessageContaining("but the signed Release says")
        .satisfies(e -> assertThat(((KldloadException) e).exitCode()).isEqualTo(ExitCode.FAILED));
  }

  @Test
  @DisplayName(
      "a .deb that differs from Packages fails naming the package; the rest stays, and a re-run resumes")
  void debMismatchIsResumable() throws Exception {
    Path deb = upstream.www.resolve(debPath("kubectl").substring(1));
    byte[] good = Files.readAllBytes(deb);
    Files.write(deb, "not the signed package".getBytes(StandardCharsets.UTF_8));
    Path dir = tmp.resolve("bundle");

    PlanResult failed = build(dir);
    assertThat(failed.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(failed.toString() + failedMessages(failed)).contains("package kubectl: SHA-256");
    assertThat(dir.resolve("debs/kubectl_1.37.1-1.1_amd64.deb")).doesNotExist();
    assertThat(dir.resolve("debs/kubectl_1.37.1-1.1_amd64.deb.partial")).doesNotExist();
    assertThat(dir.resolve("debs/kubelet_1.37.1-1.1_amd64.deb")).exists();

    Files.write(deb, good);
    assertThat(build(dir).exitCode()).isEqualTo(ExitCode.OK);
    assertThat(BundleVerifier.problems(dir)).isEmpty();
    assertThat(upstream.requests(debPath("kubelet"))).isEqualTo(1);
  }

  @Test
  @DisplayName("an archive that differs from its published checksum list fails naming the tool")
  void checksumListMismatch() throws Exception {
    Path archive = upstream.www.resolve("releases/helm/v4.3.0/helm-v4.3.0-linux-amd64.tar.gz");
    Files.write(archive, "tampered".getBytes(StandardCharsets.UTF_8));
    Path dir = tmp.resolve("bundle");

    PlanResult failed = build(dir);
    assertThat(failed.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(failedMessages(failed)).contains("tool helm: SHA-256");
    assertThat(dir.resolve("bin/helm-v4.3.0-linux-amd64.tar.gz")).doesNotExist();
    assertThat(StackLock.inBundle(dir)).doesNotExist();
  }

  @Test
  @DisplayName("an image its registry lacks fails with exit 1 naming the image; the files stay")
  void missingImage() throws Exception {
    InMemoryImageRegistry partial = new InMemoryImageRegistry();
    BundleUpstream.kubeadmImages("v1.37.1")
        .forEach(ref -> partial.push(ImageRef.parse(ref), List.of("amd64")));
    partial.push(
        ImageRef.parse(BundleUpstream.CHART_REGISTRY + "/cilium/cilium:v0.0.1"), List.of("amd64"));
    Path dir = tmp.resolve("bundle");
    BundleBuilder builder =
        new BundleBuilder(
            new HttpFetcher(Duration.ofSeconds(5), Duration.ofSeconds(30)),
            new SystemProcessRunner(),
            mirrors -> partial,
            progress::add);

    PlanResult failed = run(builder.plan(request(dir, upstream.sources())));
    assertThat(failed.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(failedMessages(failed))
        .contains("image " + BundleUpstream.CHART_REGISTRY + "/" + BundleUpstream.CHART_IMAGE);
    assertThat(dir.resolve("debs/kubeadm_1.37.1-1.1_amd64.deb")).exists();
    assertThat(StackLock.inBundle(dir)).doesNotExist();

    assertThat(build(dir).exitCode()).isEqualTo(ExitCode.OK);
    assertThat(upstream.requests(debPath("kubeadm"))).isEqualTo(1);
  }

  @Test
  @DisplayName("a file its source lists but does not serve fails with exit 1 naming the artefact")
  void missingFile() throws Exception {
    Files.delete(upstream.www.resolve("charts/metallb/metallb-0.16.1.tgz"));
    PlanResult failed = build(tmp.resolve("bundle"));
    assertThat(failed.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(failedMessages(failed)).contains("chart metallb: ").contains("answered HTTP 404");
  }

  @Test
  @DisplayName("a missing source fails before anything is fetched, naming the key")
  void missingSource() {
    BundleSources full = upstream.sources();
    BundleSources noCharts =
        new BundleSources(
            full.apt(),
            full.releases(),
            Map.of("cilium", full.charts().get("cilium")),
            full.manifests(),
            full.registries(),
            Map.of());
    assertThatThrownBy(() -> builder().plan(request(tmp.resolve("bundle"), noCharts)))
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining("the bundle sources name no charts.metallb")
        .satisfies(
            e -> assertThat(((KldloadException) e).exitCode()).isEqualTo(ExitCode.PRECONDITION));
    assertThat(upstream.requests).isEmpty();
  }

  @Test
  @DisplayName("an interrupted build, re-run, downloads only what was not verified yet")
  void interruptedBuildResumes() throws Exception {
    Path dir = tmp.resolve("bundle");
    upstream.stall("/releases/k9s/v0.51.0/k9s-v0.51.0-linux-amd64.tar.gz");
    CancellationToken cancel = new CancellationToken();
    PlanEngine engine =
        new PlanEngine(1, Optional.empty(), ProgressListener.NONE, cancel, Clock.systemUTC());
    Plan plan = builder().plan(request(dir, upstream.sources()));
    CompletableFuture<PlanResult> running =
        CompletableFuture.supplyAsync(() -> engine.run(plan, false));
    assertThat(upstream.stallReached.await(30, TimeUnit.SECONDS)).isTrue();
    cancel.cancel();
    PlanResult interrupted = running.get(30, TimeUnit.SECONDS);
    upstream.stallReleased.countDown();

    assertThat(interrupted.exitCode()).isEqualTo(ExitCode.INTERRUPTED);
    assertThat(dir.resolve("bin/k9s-v0.51.0-linux-amd64.tar.gz")).doesNotExist();
    assertThat(StackLock.inBundle(dir)).doesNotExist();
    Map<String, Integer> before = artefactRequests();
    assertThat(before).isNotEmpty();

    assertThat(build(dir).exitCode()).isEqualTo(ExitCode.OK);
    assertThat(BundleVerifier.problems(dir)).isEmpty();
    for (Map.Entry<String, Integer> e : before.entrySet()) {
      if (e.getKey().equals("/releases/k9s/v0.51.0/k9s-v0.51.0-linux-amd64.tar.gz")) {
        assertThat(upstream.requests(e.getKey())).as(e.getKey()).isEqualTo(2);
      } else {
        assertThat(upstream.requests(e.getKey())).as(e.getKey()).isEqualTo(1);
      }
    }
  }

  @Test
  @DisplayName("build --from LOCK reproduces the bundle byte for byte from the lock alone")
  void reproducesFromLock() throws Exception {
    Path first = tmp.resolve("first");
    assertThat(build(first).exitCode()).isEqualTo(ExitCode.OK);
    Path second = tmp.resolve("second");
    Plan plan =
        builder()
            .plan(
                new BundleBuilder.Request(
                    second,
                    "amd64",
                    BundleUpstream.STACK,
                    Optional.empty(),
                    Optional.of(StackLock.inBundle(first))));
    assertThat(run(plan).exitCode()).isEqualTo(ExitCode.OK);
    assertThat(hashes(second)).isEqualTo(hashes(first)).hasSize(1 + 5 + 2 + 2 + 1 + 4);
    assertThat(BundleVerifier.problems(second)).isEmpty();
  }

  @Test
  @DisplayName("serve answers the lock and the files it pins, and nothing else")
  void serve() throws Exception {
    Path dir = tmp.resolve("bundle");
    assertThat(build(dir).exitCode()).isEqualTo(ExitCode.OK);
    Files.writeString(dir.resolve("secret.txt"), "not for the network");
    List<String> log = new CopyOnWriteArrayList<>();
    HttpClient client = HttpClient.newHttpClient();
    try (BundleServer server =
        BundleServer.start(
            dir, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), log::add)) {
      String base = "http://127.0.0.1:" + server.port() + "/";
      HttpResponse<byte[]> lock = get(client, base + "k8s-stack.lock.yaml");
      assertThat(lock.statusCode()).isEqualTo(200);
      assertThat(lock.body()).isEqualTo(Files.readAllBytes(StackLock.inBundle(dir)));
      HttpResponse<byte[]> deb = get(client, base + "debs/kubeadm_1.37.1-1.1_amd64.deb");
      assertThat(deb.statusCode()).isEqualTo(200);
      assertThat(deb.body())
          .isEqualTo(Files.readAllBytes(dir.resolve("debs/kubeadm_1.37.1-1.1_amd64.deb")));
      assertThat(get(client, base + "secret.txt").statusCode()).isEqualTo(404);
      assertThat(get(client, base + "debs/../secret.txt").statusCode()).isEqualTo(404);
      assertThat(get(client, base + "debs/%2e%2e/secret.txt").statusCode()).isEqualTo(404);
      assertThat(get(client, base + "debs/").statusCode()).isEqualTo(404);
      HttpResponse<byte[]> post =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "k8s-stack.lock.yaml"))
                  .POST(HttpRequest.BodyPublishers.ofString("x"))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(post.statusCode()).isEqualTo(405);
    }
    assertThat(log)
        .contains("GET /k8s-stack.lock.yaml 200 " + Files.size(StackLock.inBundle(dir)) + " bytes");
    assertThat(log).anyMatch(l -> l.startsWith("GET /secret.txt 404"));
  }

  private static HttpResponse<byte[]> get(HttpClient client, String url)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private Map<String, Integer> artefactRequests() {
    Map<String, Integer> counts = new TreeMap<>();
    upstream.requests.forEach(
        (path, n) -> {
          if (path.endsWith(".deb")
              || path.endsWith(".tgz")
              || path.endsWith(".tar.gz")
              || path.endsWith("install.yaml")) {
            counts.put(path, n.get());
          }
        });
    return counts;
  }

  private static String failedMessages(PlanResult result) {
    StringBuilder text = new StringBuilder();
    result.outcomes().forEach(o -> text.append(o.errorMessage()).append('\n'));
    return text.toString();
  }

  private static Map<String, String> hashes(Path dir) throws Exception {
    Map<String, String> hashes = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        hashes.put(dir.relativize(f).toString(), BundleUpstream.sha256(Files.readAllBytes(f)));
      }
    }
    return hashes;
  }
}
