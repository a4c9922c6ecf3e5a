package dev.kldload.kube.bundle;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kldload.kube.bundle.image.ImageRef;
import dev.kldload.kube.bundle.image.InMemoryImageRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every upstream a bundle build reads, made by the test on loopback: a flat apt repository built
 * with Debian's tools (stand-in .debs from dpkg-deb, Packages and Release from apt-ftparchive,
 * Release signed by a throwaway gpg key), release archives with sha256sum checksum lists, a chart
 * repository, a manifest, and images in an {@link InMemoryImageRegistry}. The stand-in kubeadm is a
 * shell script that answers {@code config images list}.
 */
final class BundleUpstream implements AutoCloseable {
  static final String KUBERNETES = "v1.37.1";
  static final String K8S_REGISTRY = "k8s-images.example.test";
  static final String CHART_REGISTRY = "chart-images.example.test";
  static final List<String> KUBEADM_IMAGES =
      List.of(
          K8S_REGISTRY + "/kube-apiserver:" + KUBERNETES,
          K8S_REGISTRY + "/pause:3.10.2",
          K8S_REGISTRY + "/coredns/coredns:v1.12.1");
  static final String CHART_IMAGE = "cilium/cilium:v1.20.2";

  static final StackDefinition STACK =
      StackDefinition.parse(
          """
          kubernetes: v1.37.1
          packages: [kubeadm, kubelet, kubectl, cri-tools, kubernetes-cni]
          tools:
            - {name: helm, version: v4.3.0, binary: "linux-{arch}/helm"}
            - {name: k9s, version: v0.51.0, binary: k9s}
          charts:
            - {name: cilium, version: 1.20.2}
            - {name: metallb, version: 0.16.1}
          manifests:
            - {name: gateway-api, version: v1.6.1}
          images:
            - {registry: cilium, image: "cilium/cilium:v1.20.2"}
          """);

  final Path root;
  final Path www;
  final Path gnupg;
  final Path keyring;
  final InMemoryImageRegistry images = new InMemoryImageRegistry();
  final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Set<String> stalled = ConcurrentHashMap.newKeySet();
  final CountDownLatch stallReached = new CountDownLatch(1);
  final CountDownLatch stallReleased = new CountDownLatch(1);

  BundleUpstream(Path root) throws Exception {
    this.root = root;
    this.www = Files.createDirectories(root.resolve("www"));
    this.gnupg = Files.createDirectories(root.resolve("gnupg"));
    Files.setPosixFilePermissions(gnupg, PosixFilePermissions.fromString("rwx------"));
    this.keyring = root.resolve("keyring.gpg");
    gpg(gnupg, "--quick-gen-key", "kldload test <test@example.test>", "ed25519", "sign", "never");
    Files.write(keyring, run(List.of("gpg", "--homedir", gnupg.toString(), "--export"), root));
    aptRepository();
    release("helm", "helm-v4.3.0-linux-amd64.tar.gz", "linux-amd64/helm");
    release("k9s", "k9s_Linux_amd64.tar.gz", "k9s");
    charts();
    Files.createDirectories(www.resolve("gateway/v1.6.1"));
    Files.writeString(
        www.resolve("gateway/v1.6.1/standard-install.yaml"),
        "apiVersion: v1\nkind: List\nitems: []\n");
    for (String ref : KUBEADM_IMAGES) {
      images.push(ImageRef.parse(ref), List.of("amd64", "arm64"));
    }
    images.push(ImageRef.parse(CHART_REGISTRY + "/" + CHART_IMAGE), List.of("amd64"));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::answer);
    server.setExecutor(executor);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The sources file for this upstream, with {@code keyring} as the apt keyring. */
  BundleSources sources(Path keyring) {
    return new BundleSources(
        new BundleSources.Apt(url() + "/apt/{minor}/deb", "/", null, keyring.toString()),
        Map.of(
            "helm",
            new BundleSources.Release(
                url() + "/releases/helm/helm-{version}-linux-{arch}.tar.gz",
                url() + "/releases/helm/helm-{version}-linux-{arch}.tar.gz.sha256sum"),
            "k9s",
            new BundleSources.Release(
                url() + "/releases/k9s/{version}/k9s_Linux_{arch}.tar.gz",
                url() + "/releases/k9s/{version}/checksums.sha256")),
        Map.of("cilium", url() + "/charts/cilium", "metallb", url() + "/charts/metallb/"),
        Map.of("gateway-api", url() + "/gateway/{version}/standard-install.yaml"),
        Map.of("cilium", CHART_REGISTRY),
        Map.of());
  }

  BundleSources sources() {
    return sources(keyring);
  }

  /** How often the server answered {@code path} (leading slash, no query). */
  int requests(String path) {
    return requests.getOrDefault(path, new AtomicInteger()).get();
  }

  /** Answers half of {@code path} and then waits until {@link #stallReleased} counts down. */
  void stall(String path) {
    stalled.add(path);
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      Path file = www.resolve(path.substring(1)).normalize();
      if (!file.startsWith(www) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = Files.readAllBytes(file);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        if (stalled.remove(path)) {
          out.write(body, 0, body.length / 2);
          out.flush();
          stallReached.countDown();
          stallReleased.await();
          return;
        }
        out.write(body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void aptRepository() throws Exception {
    Path repo = Files.createDirectories(www.resolve("apt/v1.37/deb"));
    Map<String, String> versions =
        Map.of(
            "kubeadm", "1.37.1-1.1",
            "kubelet", "1.37.1-1.1",
            "kubectl", "1.37.1-1.1",
            "cri-tools", "1.37.0-1.1",
            "kubernetes-cni", "1.7.1-1.1");
    for (Map.Entry<String, String> p : versions.entrySet()) {
      deb(repo, p.getKey(), p.getValue());
    }
    // an older kubeadm the build must not pick
    deb(repo, "kubeadm", "1.37.0-1.1");
    Files.write(
        repo.resolve("Packages"), run(List.of("apt-ftparchive", "packages", "amd64"), repo));
    writeRelease(repo);
  }

  /** Regenerates and signs Release for the repository's current Packages. */
  void writeRelease(Path repo) throws Exception {
    Files.write(repo.resolve("Release"), run(List.of("apt-ftparchive", "release", "."), repo));
    Files.deleteIfExists(repo.resolve("Release.gpg"));
    gpg(
        gnupg,
        "--detach-sign",
        "-o",
        repo.resolve("Release.gpg").toString(),
        repo.resolve("Release").toString());
  }

  Path aptRepo() {
    return www.resolve("apt/v1.37/deb");
  }

  private void deb(Path repo, String name, String version) throws Exception {
    Path tree = root.resolve("debs/" + name + "-" + version);
    Files.createDirectories(tree.resolve("DEBIAN"));
    Files.writeString(
        tree.resolve("DEBIAN/control"),
        "Package: "
            + name
            + "\nVersion: "
            + version
            + "\nArchitecture: amd64\nMaintainer: test <test@example.test>\n"
            + "Description: stand-in for the bundle test\n");
    Path bin = Files.createDirectories(tree.resolve("usr/bin"));
    String script =
        name.equals("kubeadm")
            ? "#!/bin/sh\n"
                + "if [ \"$1 $2 $3\" = \"config images list\" ] && [ \"$5\" = \""
                + KUBERNETES
                + "\" ]; then\n  printf '%s\\n' "
                + String.join(" ", KUBEADM_IMAGES)
                + "\n  exit 0\nfi\necho \"unexpected: $*\" >&2\nexit 1\n"
            : "#!/bin/sh\necho " + name + " " + version + "\n";
    Path exe = bin.resolve(name);
    Files.writeString(exe, script);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path arch = Files.createDirectories(repo.resolve("amd64"));
    run(
        List.of(
            "dpkg-deb",
            "--root-owner-group",
            "--build",
            tree.toString(),
            arch.resolve(name + "_" + version + "_amd64.deb").toString()),
        root);
  }

  private void release(String tool, String fileName, String binary) throws Exception {
    Path tree = root.resolve("tools/" + tool);
    Path exe = tree.resolve(binary);
    Files.createDirectories(exe.getParent());
    Files.writeString(exe, "#!/bin/sh\necho " + tool + "\n");
    Path dir =
        tool.equals("helm")
            ? Files.createDirectories(www.resolve("releases/helm"))
            : Files.createDirectories(www.resolve("releases/k9s/v0.51.0"));
    Path archive = dir.resolve(fileName);
    run(List.of("tar", "-czf", archive.toString(), "-C", tree.toString(), binary), root);
    String line = sha256(Files.readAllBytes(archive)) + "  " + fileName + "\n";
    if (tool.equals("helm")) {
      Files.writeString(dir.resolve(fileName + ".sha256sum"), line);
    } else {
      Files.writeString(
          dir.resolve("checksums.sha256"), "0".repeat(64) + "  k9s_Linux_arm64.tar.gz\n" + line);
    }
  }

  private void charts() throws Exception {
    for (String[] chart : new String[][] {{"cilium", "1.20.2"}, {"metallb", "0.16.1"}}) {
      String name = chart[0];
      String version = chart[1];
      Path tree = Files.createDirectories(root.resolve("charts/" + name + "/" + name));
      Files.writeString(
          tree.resolve("Chart.yaml"),
          "apiVersion: v2\nname: " + name + "\nversion: " + version + "\n");
      Path repo = Files.createDirectories(www.resolve("charts/" + name));
      String file = name + "-" + version + ".tgz";
      run(
          List.of(
              "tar",
              "-czf",
              repo.resolve(file).toString(),
              "-C",
              root.resolve("charts/" + name).toString(),
              name),
          root);
      String digest = sha256(Files.readAllBytes(repo.resolve(file)));
      Files.writeString(
          repo.resolve("index.yaml"),
          "apiVersion: v1\nentries:\n  "
              + name
              + ":\n    - name: "
              + name
              + "\n      version: 9.9.9\n      digest: "
              + "1".repeat(64)
              + "\n      urls: [other.tgz]\n    - name: "
              + name
              + "\n      version: "
              + version
              + "\n      digest: "
              + digest
              + "\n      urls: ["
              + file
              + "]\n");
    }
  }

  static void gpg(Path home, String... args) throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of("gpg", "--homedir", home.toString(), "--batch", "--yes", "--passphrase", ""));
    argv.addAll(List.of("--pinentry-mode", "loopback"));
    argv.addAll(List.of(args));
    run(argv, home);
  }

  static byte[] run(List<String> argv, Path dir) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
    pb.environment().put("SOURCE_DATE_EPOCH", "1700000000");
    Path err = Files.createTempFile("bundle-upstream", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    int exit = p.waitFor();
    String stderr = Files.readString(err);
    Files.delete(err);
    if (exit != 0) {
      throw new IllegalStateException(argv + " exited " + exit + ": " + stderr);
    }
    return out;
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Override
  public void close() {
    stallReleased.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
