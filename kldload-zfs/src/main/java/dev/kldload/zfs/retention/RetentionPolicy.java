package dev.kldload.zfs.retention;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kldload.core.KldloadException;
import dev.kldload.core.io.YamlInput;
import dev.kldload.core.value.DatasetName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A retention policy in sanoid's model (spec §18.8): named templates with per-period counts and
 * autosnap/autoprune switches, and per-dataset sections naming a template, optionally recursive.
 * The most specific section wins ({@code rpool/var/lib/containers} over {@code rpool/var/lib}).
 *
 * <pre>
 * templates:
 *   data: {daily: 7, weekly: 12, monthly: 12, yearly: 1, autosnap: true, autoprune: true}
 * datasets:
 *   rpool/home: {template: data, recursive: true}
 * </pre>
 */
public record RetentionPolicy(Map<String, Template> templates, Map<DatasetName, Section> datasets) {
  public static final Path DEFAULT_FILE = Path.of("/etc/kldload/snapshots.yaml");

  /** Counts per period (0: take none, keep none of ours). */
  public record Template(
      String name, Map<Period, Integer> counts, boolean autosnap, boolean autoprune) {
    public int count(Period p) {
      return counts.getOrDefault(p, 0);
    }
  }

  public record Section(DatasetName dataset, Template template, boolean recursive) {}

  public RetentionPolicy {
    templates = Map.copyOf(templates);
    datasets = Map.copyOf(datasets);
  }

  /** The section that governs {@code dataset}: its own, or the nearest recursive ancestor's. */
  public Optional<Section> sectionFor(DatasetName dataset) {
    Section own = datasets.get(dataset);
    if (own != null) {
      return Optional.of(own);
    }
    for (Optional<DatasetName> p = dataset.parent(); p.isPresent(); p = p.get().parent()) {
      Section s = datasets.get(p.get());
      if (s != null) {
        return s.recursive() ? Optional.of(s) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** The policy shipped with kldload: the spec's bootenv/data/none templates and sections. */
  public static RetentionPolicy defaults() {
    try (InputStream in = RetentionPolicy.class.getResourceAsStream("snapshots.yaml")) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in policy");
    } catch (IOException e) {
      throw new IllegalStateException("built-in snapshots.yaml unreadable", e);
    }
  }

  public static RetentionPolicy load(Path file) {
    if (!Files.exists(file)) {
      throw KldloadException.notFound(
          "policy " + file + " does not exist",
          "create it (see 'ksnap prune --help') or pass --policy FILE");
    }
    return parse(YamlInput.read(file, "policy " + file), file.toString());
  }

  public static RetentionPolicy parse(String yaml, String source) {
    JsonNode root;
    try {
      root = YamlInput.mapper().readTree(yaml);
    } catch (IOException e) {
      throw KldloadException.invalid(source + " is not valid YAML: " + e.getMessage(), null);
    }
    if (root == null || !root.isObject()) {
      throw KldloadException.invalid(source + " has no templates/datasets", null);
    }
    Map<String, Template> templates = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("templates").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Map<Period, Integer> counts = new EnumMap<>(Period.class);
      for (Period p : Period.values()) {
        JsonNode n = e.getValue().path(p.name().toLowerCase(Locale.ROOT));
        if (!n.isMissingNode()) {
          if (!n.canConvertToInt() || n.asInt() < 0) {
            throw KldloadException.invalid(
                source
                    + ": template "
                    + e.getKey()
                    + ": "
                    + p.name().toLowerCase(Locale.ROOT)
                    + " must be a count >= 0",
                null);
          }
          counts.put(p, n.asInt());
        }
      }
      templates.put(
          e.getKey(),
          new Template(
              e.getKey(),
              counts,
              e.getValue().path("autosnap").asBoolean(false),
              e.getValue().path("autoprune").asBoolean(false)));
    }
    Map<DatasetName, Section> sections = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("datasets").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      DatasetName ds = DatasetName.of(e.getKey());
      String t = e.getValue().path("template").asText("");
      Template template = templates.get(t);
      if (template == null) {
        throw KldloadException.invalid(
            source + ": dataset " + ds + " names unknown template '" + t + "'",
            "define it under templates:");
      }
      sections.put(ds, new Section(ds, template, e.getValue().path("recursive").asBoolean(false)));
    }
    return new RetentionPolicy(templates, sections);
  }
}
