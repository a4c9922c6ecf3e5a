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
import java.util.TreeMap;
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
public final class BundleUpstream implements AutoCloseable {
  static final String K8S_REGISTRY = "k8s-images.example.test";
  static final String CHART_REGISTRY = "chart-images.example.test";

  /** The images the stand-in kubeadm lists for {@code version}. */
  static List<String> kubeadmImages(String version) {
    return List.of(
        K8S_REGISTRY + "/kube-apiserver:" + version,
        K8S_REGISTRY + "/pause:3.10.2",
        K8S_REGISTRY + "/coredns/coredns:v1.12.1");
  }

  private List<String> kubeadmImages() {
    return kubeadmImages(stack.kubernetes());
  }

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
  final StackDefinition stack;
  final Path www;
  final Path gnupg;
  final Path keyring;
  final InMemoryImageRegistry images = new InMemoryImageRegistry();
  final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Set<String> stalled = ConcurrentHashMap.newKeySet();
  public final CountDownLatch stallReached = new CountDownLatch(1);
  public final CountDownLatch stallReleased = new CountDownLatch(1);

  /** The upstream of the test stack {@link #STACK}. */
  BundleUpstream(Path root) throws Exception {
    this(root, STACK);
  }

  /** An upstream that serves everything {@code stack} needs, for amd64. */
  public BundleUpstream(Path root, StackDefinition stack) throws Exception {
    this.root = root;
    this.stack = stack;
    this.www = Files.createDirectories(root.resolve("www"));
    this.gnupg = Files.createDirectories(root.resolve("gnupg"));
    Files.setPosixFilePermissions(gnupg, PosixFilePermissions.fromString("rwx------"));
    this.keyring = root.resolve("keyring.gpg");
    gpg(gnupg, "--quick-gen-key", "kldload test <test@example.test>", "ed25519", "sign", "never");
    Files.write(keyring, run(List.of("gpg", "--homedir", gnupg.toString(), "--export"), root));
    aptRepository();
    for (StackDefinition.Tool tool : stack.tools()) {
      release(tool);
    }
    charts();
    for (StackDefinition.Pinned m : stack.manifests()) {
      Path file = www.resolve("manifests/" + m.name() + "/" + m.version() + "/install.yaml");
      Files.createDirectories(file.getParent());
      Files.writeString(file, "apiVersion: v1\nkind: List\nitems: []\n");
    }
    for (String ref : kubeadmImages()) {
      images.push(ImageRef.parse(ref), List.of("amd64", "arm64"));
    }
    for (StackDefinition.ChartImage image : stack.images()) {
      images.push(ImageRef.parse(CHART_REGISTRY + "/" + image.image()), List.of("amd64"));
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::answer);
    server.setExecutor(executor);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The sources file for this upstream, with {@code keyring} as the apt keyring. */
  public BundleSources sources(Path keyring) {
    Map<String, BundleSources.Release> releases = new TreeMap<>();
    for (StackDefinition.Tool tool : stack.tools()) {
      String dir = url() + "/releases/{name}/{version}/";
      releases.put(
          tool.name(),
          new BundleSources.Release(
              dir + "{name}-{version}-linux-{arch}.tar.gz",
              tool.name().equals("helm")
                  ? dir + "{name}-{version}-linux-{arch}.tar.gz.sha256sum"
                  : dir + "checksums.sha256"));
    }
    Map<String, String> charts = new TreeMap<>();
    // one repository URL with a trailing slash, the others without
    stack.charts().forEach(c -> charts.put(c.name(), url() + "/charts/" + c.name() + "/"));
    charts.computeIfPresent("cilium", (k, v) -> v.substring(0, v.length() - 1));
    Map<String, String> manifests = new TreeMap<>();
    stack
        .manifests()
        .forEach(m -> manifests.put(m.name(), url() + "/manifests/{name}/{version}/install.yaml"));
    Map<String, String> registries = new TreeMap<>();
    stack.images().forEach(i -> registries.put(i.registry(), CHART_REGISTRY));
    return new BundleSources(
        new BundleSources.Apt(url() + "/apt/{minor}/deb", "/", null, keyring.toString()),
        releases,
        charts,
        manifests,
        registries,
        Map.of());
  }

  public BundleSources sources() {
    return sources(keyring);
  }

  /** How often the server answered {@code path} (leading slash, no query). */
  public int requests(String path) {
    return requests.getOrDefault(path, new AtomicInteger()).get();
  }

  /** Answers half of {@code path} and then waits until {@link #stallReleased} counts down. */
  public void stall(String path) {
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
    Path repo = Files.createDirectories(aptRepo());
    String k8s = stack.kubernetes().substring(1) + "-1.1";
    String minor = stack.kubernetes().substring(1, stack.kubernetes().lastIndexOf('.'));
    Map<String, String> versions =
        Map.of(
            "kubeadm", k8s,
            "kubelet", k8s,
            "kubectl", k8s,
            "cri-tools", minor + ".0-1.1",
            "kubernetes-cni", "1.7.1-1.1");
    for (Map.Entry<String, String> p : versions.entrySet()) {
      deb(repo, p.getKey(), p.getValue());
    }
    // an older kubeadm the build must not pick
    deb(repo, "kubeadm", minor + ".0~rc.1-1.1");
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
    String v = stack.kubernetes();
    return www.resolve("apt/" + v.substring(0, v.lastIndexOf('.')) + "/deb");
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
                + stack.kubernetes()
                + "\" ]; then\n  printf '%s\\n' "
                + String.join(" ", kubeadmImages())
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

  private void release(StackDefinition.Tool tool) throws Exception {
    String binary = tool.binary().replace("{arch}", "amd64");
    String fileName = tool.name() + "-" + tool.version() + "-linux-amd64.tar.gz";
    Path tree = root.resolve("tools/" + tool.name());
    Path exe = tree.resolve(binary);
    Files.createDirectories(exe.getParent());
    Files.writeString(exe, "#!/bin/sh\necho " + tool.name() + "\n");
    Path dir =
        Files.createDirectories(www.resolve("releases/" + tool.name() + "/" + tool.version()));
    Path archive = dir.resolve(fileName);
    run(List.of("tar", "-czf", archive.toString(), "-C", tree.toString(), binary), root);
    String line = sha256(Files.readAllBytes(archive)) + "  " + fileName + "\n";
    if (tool.name().equals("helm")) {
      Files.writeString(dir.resolve(fileName + ".sha256sum"), line);
    } else {
      Files.writeString(
          dir.resolve("checksums.sha256"),
          "0".repeat(64) + "  " + tool.name() + "-linux-arm64.tar.gz\n" + line);
    }
  }

  private void charts() throws Exception {
    for (StackDefinition.Pinned chart : stack.charts()) {
      String name = chart.name();
      String version = chart.version();
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

  /** The image registry the upstream's images are in, whatever the mirrors. */
  public InMemoryImageRegistry images() {
    return images;
  }

  @Override
  public void close() {
    stallReleased.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
