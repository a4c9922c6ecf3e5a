package dev.kldload.kube.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes ordered maps as YAML the way kubectl users read it: keys in insertion order, strings
 * unquoted unless YAML would misread them, one document per object separated by {@code ---}.
 */
final class Yaml {
  private static final YAMLMapper MAPPER =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              // "6443" as a string stays a string: Go's strict decoding refuses a number there
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .build());

  private Yaml() {}

  static String documents(List<Map<String, Object>> docs) {
    StringBuilder sb = new StringBuilder();
    for (Map<String, Object> doc : docs) {
      if (sb.length() > 0) {
        sb.append("---\n");
      }
      sb.append(document(doc));
    }
    return sb.toString();
  }

  static String document(Map<String, Object> doc) {
    try {
      return MAPPER.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An ordered map from alternating keys and values: {@code map("a", 1, "b", 2)}. */
  static Map<String, Object> map(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("odd number of arguments");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return out;
  }

  /** A Kubernetes object head: apiVersion, kind, metadata (name, optional namespace). */
  static Map<String, Object> object(String apiVersion, String kind, String name, String namespace) {
    Map<String, Object> metadata = map("name", name);
    if (namespace != null) {
      metadata.put("namespace", namespace);
    }
    return map("apiVersion", apiVersion, "kind", kind, "metadata", metadata);
  }
}
