package dev.kldload.kube.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.Programs;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code kube-load-images}: imports the offline bundle's image archives ({@code *.tar}, docker or
 * OCI layout) into containerd's {@code k8s.io} namespace. One step per archive, done when every
 * image the archive names is already in containerd, so a second run imports nothing; a failed
 * archive does not stop the others (exit 3).
 */
public final class KubeLoadImages {
  static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final NodeSystem sys;

  public KubeLoadImages(NodeSystem sys) {
    this.sys = sys;
  }

  /** The archives in {@code dir}, sorted; empty when the directory is missing or empty. */
  public static List<Path> archives(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tar")).sorted().toList();
    }
  }

  /** The bundle's image directory, unless the operator names another. */
  public static Path inBundle(Path bundle) {
    return bundle.resolve("k8s-images");
  }

  /**
   * The import plan for the archives in {@code dir}; empty when there are none (nodes then pull
   * from their registry). PRECONDITION when there are archives but containerd's ctr is missing,
   * unless this is for a dry-run (which lists the plan on any machine).
   */
  public Optional<Plan> plan(Path dir, boolean dryRun) throws IOException {
    List<Path> archives = archives(dir);
    if (archives.isEmpty()) {
      return Optional.empty();
    }
    if (!dryRun && Programs.which("ctr").isEmpty()) {
      throw KldloadException.precondition(
          "ctr (containerd) is not installed", Programs.installHint("ctr"));
    }
    return Optional.of(plan(archives));
  }

  public Plan plan(List<Path> archives) throws IOException {
    Plan.Builder plan = Plan.builder("kube-load-images");
    for (Path archive : archives) {
      Set<String> refs = imageRefs(archive);
      String name = archive.getFileName().toString();
      plan.add(
          Step.named("import-" + name.substring(0, name.length() - 4))
              .description(
                  "import "
                      + archive
                      + (refs.isEmpty() ? "" : " (" + String.join(", ", refs) + ")"))
              .nonCritical()
              .doneWhen(ctx -> !refs.isEmpty() && present().containsAll(refs))
              .apply(
                  ctx ->
                      sys.runner()
                          .check(
                              ProcessSpec.of(
                                      "ctr", "-n", "k8s.io", "images", "import", archive.toString())
                                  .timeout(IMPORT_TIMEOUT)
                                  .build())));
    }
    return plan.build();
  }

  private Set<String> present() {
    ProcessResult r =
        sys.runner()
            .check(ProcessSpec.of("ctr", "-n", "k8s.io", "images", "ls", "-q").readOnly().build());
    return new LinkedHashSet<>(
        r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
  }

  /**
   * The image references an archive carries, normalised as containerd names them ({@code
   * nginx:alpine} → {@code docker.io/library/nginx:alpine}): from {@code manifest.json} (docker) or
   * {@code index.json} (OCI). Read from the tar headers directly; nothing is extracted.
   */
  static Set<String> imageRefs(Path archive) throws IOException {
    Set<String> refs = new LinkedHashSet<>();
    try (InputStream in = Files.newInputStream(archive)) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        String name = cString(header, 0, 100);
        long size =
            Long.parseLong(
                cString(header, 124, 12).strip().isEmpty() ? "0" : cString(header, 124, 12).strip(),
                8);
        long padded = (size + 511) / 512 * 512;
        if ((name.equals("manifest.json") || name.equals("index.json")) && size < 1 << 20) {
          byte[] body = in.readNBytes((int) size);
          in.skipNBytes(padded - size);
          JsonNode node = JSON.readTree(new String(body, StandardCharsets.UTF_8));
          if (name.equals("manifest.json")) {
            node.forEach(m -> m.path("RepoTags").forEach(t -> refs.add(normalise(t.asText()))));
          } else {
            node.path("manifests")
                .forEach(
                    m -> {
                      JsonNode a = m.path("annotations");
                      String ref = a.path("io.containerd.image.name").asText("");
                      if (ref.isEmpty()) {
                        ref = a.path("org.opencontainers.image.ref.name").asText("");
                      }
                      if (ref.contains("/") || ref.contains(":")) {
                        refs.add(normalise(ref));
                      }
                    });
          }
        } else {
          in.skipNBytes(padded);
        }
      }
    } catch (NumberFormatException | EOFException e) {
      throw KldloadException.invalid(
          archive + " is not a tar archive", "give image archives made by ctr or docker save");
    }
    return refs;
  }

  static String normalise(String ref) {
    String first = ref.contains("/") ? ref.substring(0, ref.indexOf('/')) : "";
    boolean hasRegistry = first.contains(".") || first.contains(":") || first.equals("localhost");
    if (hasRegistry) {
      return ref;
    }
    return "docker.io/" + (ref.contains("/") ? ref : "library/" + ref);
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.US_ASCII);
  }

  /** Archive names a plan imported, for the summary line. */
  public static List<String> names(List<Path> archives) {
    List<String> out = new ArrayList<>();
    archives.forEach(a -> out.add(a.getFileName().toString()));
    return out;
  }
}
