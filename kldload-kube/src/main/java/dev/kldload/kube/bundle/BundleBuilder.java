package dev.kldload.kube.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.kube.bundle.image.ImageRef;
import dev.kldload.kube.bundle.image.ImageRegistry;
import dev.kldload.kube.node.KubeReset;
import dev.kldload.kube.node.StackLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * {@code kube-bundle build}: resolves the stack against its sources (reading and verifying only
 * metadata: the signed apt Release, Packages, checksum lists, chart indexes), then returns a plan
 * with one step per artefact, one for the images and one for the lock. Each artefact step keeps a
 * file already verified and otherwise downloads it once, to a {@code .partial} file renamed after
 * verification, so a re-run after an interruption fetches only what is missing.
 */
public final class BundleBuilder {
  /** What to build. {@code from}: reproduce that lock; otherwise resolve {@code stack}. */
  public record Request(
      Path dir,
      String arch,
      StackDefinition stack,
      Optional<BundleSources> sources,
      Optional<Path> from) {}

  private static final Set<String> ARCHES = Set.of("amd64", "arm64");

  private final HttpFetcher http;
  private final ProcessRunner runner;
  private final Function<Map<String, URI>, ImageRegistry> registries;
  private final Consumer<String> progress;

  /**
   * {@code registries} gives the image registry for a mirror map (registry host[:port] → base URL
   * to fetch it from), as {@code Engines.imageRegistry} does.
   */
  public BundleBuilder(
      HttpFetcher http,
      ProcessRunner runner,
      Function<Map<String, URI>, ImageRegistry> registries,
      Consumer<String> progress) {
    this.http = http;
    this.runner = runner;
    this.registries = registries;
    this.progress = progress;
  }

  /** One file the bundle downloads; {@code sha256} empty for a manifest pinned on first fetch. */
  private record Download(
      String kind,
      String name,
      String version,
      String file,
      URI source,
      Optional<String> sha256,
      String binary) {}

  public Plan plan(Request request) throws InterruptedException {
    if (!ARCHES.contains(request.arch())) {
      throw KldloadException.invalid(
          "--arch " + request.arch() + " is not supported", "use one of " + ARCHES);
    }
    Path dir = request.dir().toAbsolutePath().normalize();
    if (request.from().isPresent()) {
      return reproduce(dir, request.from().get());
    }
    BundleSources sources =
        request
            .sources()
            .orElseThrow(
                () ->
                    KldloadException.precondition(
                        "no bundle sources", "give --sources FILE or set kube.bundle-sources"));
    StackDefinition stack = request.stack();
    String arch = request.arch();
    checkSources(sources, stack);
    List<Download> downloads = new ArrayList<>();
    AptRepository apt = new AptRepository(http, runner, sources.requireApt(), stack.minor());
    for (AptRepository.Deb deb : apt.resolve(stack.packages(), stack.kubernetes(), arch)) {
      downloads.add(
          new Download(
              "package",
              deb.name(),
              deb.version(),
              deb.file(),
              deb.url(),
              Optional.of(deb.sha256()),
              null));
    }
    for (StackDefinition.Tool tool : stack.tools()) {
      downloads.add(tool(sources.requireRelease(tool.name()), tool, arch));
    }
    for (StackDefinition.Pinned chart : stack.charts()) {
      downloads.add(chart(sources.requireChart(chart.name()), chart));
    }
    for (StackDefinition.Pinned m : stack.manifests()) {
      URI url = URI.create(expand(sources.requireManifest(m.name()), m.name(), m.version(), arch));
      progress.accept(
          "manifest "
              + m.name()
              + ": no published checksum; its SHA-256 is pinned on first fetch and recorded");
      downloads.add(
          new Download(
              "manifest",
              m.name(),
              m.version(),
              "k8s-manifests/" + m.name() + "-" + m.version() + ".yaml",
              url,
              Optional.empty(),
              null));
    }
    List<String> chartImages = new ArrayList<>();
    for (StackDefinition.ChartImage image : stack.images()) {
      chartImages.add(sources.requireRegistry(image.registry()) + "/" + image.image());
    }
    Download kubeadm =
        downloads.stream()
            .filter(d -> d.kind().equals("package") && d.name().equals("kubeadm"))
            .findFirst()
            .orElseThrow(
                () ->
                    KldloadException.invalid(
                        "the stack definition has no kubeadm package",
                        "kube-bundle needs kubeadm to list the Kubernetes images"));
    AtomicReference<List<StackLock.Image>> images = new AtomicReference<>();
    Plan.Builder plan = Plan.builder("kube-bundle-build");
    downloads.forEach(d -> plan.add(downloadStep(dir, d)));
    plan.add(
        Step.named("images")
            .description("pull the Kubernetes and chart images into k8s-images/")
            .after(stepId(kubeadm))
            .creates(dir.resolve("k8s-images").toString())
            .doneWhen(ctx -> false)
            .apply(
                ctx -> {
                  List<String> refs = new ArrayList<>(kubeadmImages(dir, kubeadm, stack));
                  refs.addAll(chartImages);
                  Map<String, URI> mirrors = sources.mirrorUrls();
                  ImageRegistry registry = registries.apply(mirrors);
                  List<StackLock.Image> pulled = new ArrayList<>();
                  for (String ref : new LinkedHashSet<>(refs)) {
                    ctx.checkCancelled();
                    pulled.add(pull(registry, mirrors, dir, ref, arch));
                  }
                  images.set(pulled);
                }));
    plan.add(
        lockStep(
            dir,
            stepIds(plan),
            () ->
                images.get() == null
                    ? null
                    : new StackLock(
                            stack.kubernetes(),
                            artifacts(dir, downloads, "package"),
                            artifacts(dir, downloads, "tool"),
                            artifacts(dir, downloads, "chart"),
                            artifacts(dir, downloads, "manifest"),
                            images.get(),
                            arch)
                        .toYaml()
                        .getBytes(StandardCharsets.UTF_8)));
    return plan.build();
  }

  /** {@code --from LOCK}: the lock's own sources and hashes; nothing is resolved again. */
  private Plan reproduce(Path dir, Path lockFile) {
    StackLock lock = StackLock.load(lockFile);
    if (lock.arch() == null) {
      throw KldloadException.precondition(
          "stack lock " + lockFile + " records no arch and no sources",
          "only a lock written by kube-bundle build can be reproduced");
    }
    List<Download> downloads = new ArrayList<>();
    for (String kind : List.of("package", "tool", "chart", "manifest")) {
      for (StackLock.Artifact a : artifactsOf(lock, kind)) {
        if (a.source() == null) {
          throw KldloadException.precondition(
              "stack lock " + lockFile + ": " + kind + " " + a.name() + " records no source",
              "only a lock written by kube-bundle build can be reproduced");
        }
        downloads.add(
            new Download(
                kind,
                a.name(),
                a.version(),
                a.file(),
                URI.create(a.source()),
                Optional.of(a.sha256()),
                a.binary()));
      }
    }
    byte[] lockBytes;
    try {
      lockBytes = Files.readAllBytes(lockFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Plan.Builder plan = Plan.builder("kube-bundle-build");
    downloads.forEach(d -> plan.add(downloadStep(dir, d)));
    Map<String, URI> mirrors = new TreeMap<>();
    for (StackLock.Image image : lock.images()) {
      if (image.source() != null && image.source().contains("://")) {
        mirrors.put(ImageRef.parse(image.ref()).registry(), URI.create(image.source()));
      }
    }
    for (StackLock.Image image : lock.images()) {
      Path target = dir.resolve(image.file());
      plan.add(
          Step.named("image " + image.file())
              .description("pull " + image.ref() + "@" + image.digest())
              .creates(target.toString())
              .doneWhen(ctx -> matches(target, image.sha256()))
              .apply(
                  ctx -> {
                    String sha =
                        pullArchive(
                            registries.apply(mirrors),
                            image.ref(),
                            image.digest(),
                            lock.arch(),
                            target);
                    if (!sha.equals(image.sha256())) {
                      Files.deleteIfExists(target);
                      throw new KldloadException(
                          ErrorKind.FAILED,
                          "image "
                              + image.ref()
                              + ": archive SHA-256 "
                              + sha
                              + " does not match the lock's "
                              + image.sha256(),
                          "the registry's image or the archive writer changed; nothing was kept");
                    }
                  }));
    }
    plan.add(lockStep(dir, stepIds(plan), () -> lockBytes));
    return plan.build();
  }

  private Step downloadStep(Path dir, Download d) {
    Path target = dir.resolve(d.file());
    return Step.named(stepId(d))
        .description("download " + d.kind() + " " + d.name() + " " + d.version())
        .creates(target.toString())
        .doneWhen(
            ctx ->
                d.sha256().isPresent()
                    ? matches(target, d.sha256().get())
                    : Files.isRegularFile(target))
        .apply(
            ctx -> {
              progress.accept(d.kind() + " " + d.name() + ": downloading " + d.source());
              http.download(
                  d.source(),
                  target,
                  d.sha256(),
                  d.kind() + " " + d.name(),
                  progress,
                  ctx.cancellation());
            });
  }

  private static String stepId(Download d) {
    return "download " + d.file();
  }

  /** The lock, written last and atomically: a bundle with a lock is a complete bundle. */
  private Step lockStep(Path dir, List<String> after, LockContent content) {
    Path lockFile = StackLock.inBundle(dir);
    return Step.named("lock")
        .description("write the stack lock " + lockFile)
        .after(after)
        .creates(lockFile.toString())
        .doneWhen(
            ctx -> {
              byte[] want = content.get();
              return want != null
                  && Files.isRegularFile(lockFile)
                  && Arrays.equals(Files.readAllBytes(lockFile), want);
            })
        .apply(
            ctx -> {
              Path tmp = lockFile.resolveSibling(lockFile.getFileName() + ".partial");
              Files.write(tmp, content.get());
              Files.move(
                  tmp,
                  lockFile,
                  StandardCopyOption.ATOMIC_MOVE,
                  StandardCopyOption.REPLACE_EXISTING);
              KubeReset.deleteTree(dir.resolve(".kube-bundle"), true);
            });
  }

  /** The lock's bytes once every artefact is in place; null while they are not known yet. */
  @FunctionalInterface
  private interface LockContent {
    byte[] get() throws IOException;
  }

  private static List<String> stepIds(Plan.Builder plan) {
    return plan.build().ordered().stream().map(Step::id).toList();
  }

  private Download tool(BundleSources.Release release, StackDefinition.Tool tool, String arch)
      throws InterruptedException {
    URI url = URI.create(expand(release.url(), tool.name(), tool.version(), arch));
    URI sums = URI.create(expand(release.checksums(), tool.name(), tool.version(), arch));
    String fileName = Path.of(url.getPath()).getFileName().toString();
    String sha =
        checksumFor(new String(http.bytes(sums), StandardCharsets.UTF_8), fileName)
            .orElseThrow(
                () ->
                    new KldloadException(
                        ErrorKind.FAILED,
                        "tool "
                            + tool.name()
                            + ": the checksum list "
                            + sums
                            + " has no line for "
                            + fileName,
                        "an artefact without a published checksum is refused"));
    return new Download(
        "tool",
        tool.name(),
        tool.version(),
        "bin/" + fileName,
        url,
        Optional.of(sha),
        tool.binary().replace("{arch}", arch));
  }

  /**
   * The SHA-256 a checksum list ({@code sha256sum} format, or a lone hash) gives for {@code
   * fileName}.
   */
  static Optional<String> checksumFor(String list, String fileName) {
    List<String> lines = list.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    for (String line : lines) {
      String[] f = line.split("\\s+", 2);
      if (f.length == 2
          && f[0].matches("[0-9a-fA-F]{64}")
          && f[1].replaceFirst("^\\*", "").replaceFirst("^\\./", "").equals(fileName)) {
        return Optional.of(f[0].toLowerCase());
      }
    }
    if (lines.size() == 1 && lines.get(0).matches("[0-9a-fA-F]{64}")) {
      return Optional.of(lines.get(0).toLowerCase());
    }
    return Optional.empty();
  }

  private Download chart(String repository, StackDefinition.Pinned chart)
      throws InterruptedException {
    URI repo = URI.create(repository.endsWith("/") ? repository : repository + "/");
    URI indexUrl = repo.resolve("index.yaml");
    JsonNode index;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setCodePointLimit(HttpFetcher.MAX_METADATA_BYTES);
      index =
          new YAMLMapper(YAMLFactory.builder().loaderOptions(options).build())
              .readTree(http.bytes(indexUrl));
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.FAILED, "chart index " + indexUrl + " is not valid YAML", e.getMessage());
    }
    for (JsonNode entry : index.path("entries").path(chart.name())) {
      if (chart.version().equals(entry.path("version").asText())) {
        String digest = entry.path("digest").asText("");
        JsonNode urls = entry.path("urls");
        if (!digest.matches("[0-9a-f]{64}") || urls.isEmpty()) {
          throw new KldloadException(
              ErrorKind.FAILED,
              "chart "
                  + chart.name()
                  + " "
                  + chart.version()
                  + " in "
                  + indexUrl
                  + " has no digest",
              "a chart without a digest is refused");
        }
        return new Download(
            "chart",
            chart.name(),
            chart.version(),
            "helm-charts/" + chart.name() + "-" + chart.version() + ".tgz",
            repo.resolve(urls.get(0).asText()),
            Optional.of(digest),
            null);
      }
    }
    throw KldloadException.notFound(
        "chart " + chart.name() + " " + chart.version() + " is not in " + indexUrl,
        "check the chart repository in the bundle sources");
  }

  /** kubeadm's own image list, from the bundle's kubeadm (never a host's). */
  private List<String> kubeadmImages(Path dir, Download kubeadm, StackDefinition stack)
      throws IOException {
    Path root = dir.resolve(".kube-bundle").resolve("kubeadm");
    KubeReset.deleteTree(root, true);
    Files.createDirectories(root);
    runner.check(
        ProcessSpec.of("dpkg-deb", "-x", dir.resolve(kubeadm.file()).toString(), root.toString())
            .readOnly()
            .build());
    Path binary = root.resolve("usr/bin/kubeadm");
    ProcessResult list =
        runner.check(
            ProcessSpec.of(
                    binary.toString(),
                    "config",
                    "images",
                    "list",
                    "--kubernetes-version",
                    stack.kubernetes())
                .timeout(Duration.ofMinutes(1))
                .readOnly()
                .build());
    KubeReset.deleteTree(root, true);
    List<String> refs = list.stdout().lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    if (refs.isEmpty()) {
      throw new KldloadException(
          ErrorKind.FAILED, "kubeadm " + stack.kubernetes() + " listed no images", null);
    }
    return refs;
  }

  /**
   * The image's archive, pulled unless a previous run left it; its {@code source} in the lock is
   * the mirror it came from, or its own registry.
   */
  private StackLock.Image pull(
      ImageRegistry registry, Map<String, URI> mirrors, Path dir, String ref, String arch)
      throws IOException {
    ImageRef image = ImageRef.parse(ref);
    String digest;
    try {
      digest = registry.resolve(image, arch);
    } catch (KldloadException e) {
      // an image the stack needs but its registry lacks fails the build like a bad digest
      throw e.kind() == ErrorKind.NOT_FOUND
          ? new KldloadException(ErrorKind.FAILED, e.getMessage(), e.hint().orElse(null), e)
          : e;
    }
    String file = "k8s-images/" + archiveName(ref, digest);
    Path target = dir.resolve(file);
    String sha;
    if (Files.isRegularFile(target)) {
      // the registry writes archives atomically, so one left by a previous run is whole
      sha = HttpFetcher.sha256(target);
      progress.accept("image " + ref + ": kept " + file);
    } else {
      sha = pullArchive(registry, ref, digest, arch, target);
    }
    URI mirror = mirrors.get(image.registry());
    String source = mirror != null ? mirror.toString() : image.registry();
    return new StackLock.Image(ref, source, digest, file, sha);
  }

  private String pullArchive(
      ImageRegistry registry, String ref, String digest, String arch, Path target)
      throws IOException {
    Files.createDirectories(target.getParent());
    progress.accept("image " + ref + ": pulling " + digest);
    String sha =
        registry.pull(
            ImageRef.parse(ref),
            digest,
            arch,
            target,
            bytes -> progress.accept("image " + ref + ": " + bytes + " bytes"));
    progress.accept("image " + ref + ": verified");
    return sha;
  }

  /** {@code <repository path>_<tag>_<first 12 of the digest>.tar}, the registry host left out. */
  static String archiveName(String ref, String digest) {
    ImageRef image = ImageRef.parse(ref);
    String hex = digest.substring(digest.indexOf(':') + 1);
    return (image.repository() + "_" + image.tag()).replace('/', '_')
        + "_"
        + hex.substring(0, 12)
        + ".tar";
  }

  private static List<StackLock.Artifact> artifacts(Path dir, List<Download> downloads, String kind)
      throws IOException {
    List<StackLock.Artifact> list = new ArrayList<>();
    for (Download d : downloads) {
      if (d.kind().equals(kind)) {
        String sha = d.sha256().isPresent() ? d.sha256().get() : sha256(dir.resolve(d.file()));
        list.add(
            new StackLock.Artifact(
                d.name(), d.version(), d.file(), sha, d.binary(), d.source().toString()));
      }
    }
    return list;
  }

  private static List<StackLock.Artifact> artifactsOf(StackLock lock, String kind) {
    return switch (kind) {
      case "package" -> lock.packages();
      case "tool" -> lock.tools();
      case "chart" -> lock.charts();
      default -> lock.manifests();
    };
  }

  private static void checkSources(BundleSources sources, StackDefinition stack) {
    sources.requireApt();
    stack.tools().forEach(t -> sources.requireRelease(t.name()));
    stack.charts().forEach(c -> sources.requireChart(c.name()));
    stack.manifests().forEach(m -> sources.requireManifest(m.name()));
    stack.images().forEach(i -> sources.requireRegistry(i.registry()));
    sources.mirrorUrls();
  }

  private static String expand(String template, String name, String version, String arch) {
    return template.replace("{name}", name).replace("{version}", version).replace("{arch}", arch);
  }

  private static boolean matches(Path file, String sha) throws IOException {
    return Files.isRegularFile(file) && sha256(file).equals(sha);
  }

  private static String sha256(Path file) throws IOException {
    return HttpFetcher.sha256(file);
  }
}
