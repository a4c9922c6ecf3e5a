package dev.kldload.core.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Renders views (records) as a table, JSON or YAML on stdout. JSON/YAML keep the record's component
 * order, write raw values (bytes as integers, times as ISO-8601 UTC) and wrap lists as {@code
 * {"items": [...]}} so that a later field can be added without breaking consumers.
 */
public final class Renderer {
  private static volatile ObjectMapper json;
  private static volatile ObjectMapper yaml;

  private final OutputFormat format;

  public Renderer(OutputFormat format) {
    this.format = format;
  }

  public OutputFormat format() {
    return format;
  }

  public <T> void list(PrintWriter out, List<T> items, Table<T> table) {
    switch (format) {
      case TABLE -> out.print(table.render(items));
      case JSON -> out.println(write(json(), Map.of("items", items)));
      case YAML -> out.print(write(yaml(), Map.of("items", items)));
    }
    out.flush();
  }

  /** One object: in table form, a two-column KEY VALUE listing of its top-level fields. */
  public <T> void single(PrintWriter out, T item, Function<T, String> tableForm) {
    switch (format) {
      case TABLE -> out.print(tableForm.apply(item));
      case JSON -> out.println(write(json(), item));
      case YAML -> out.print(write(yaml(), item));
    }
    out.flush();
  }

  /** The JSON form of any view, as the renderer writes it (also used for golden files). */
  public static String toJson(Object value) {
    return write(json(), value);
  }

  public static String toYaml(Object value) {
    return write(yaml(), value);
  }

  /** A view as an ordered map of its fields, for key/value tables. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> fields(Object value) {
    return json().convertValue(value, LinkedHashMap.class);
  }

  private static String write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectMapper json() {
    if (json == null) {
      json =
          JsonMapper.builder()
              .addModule(new JavaTimeModule())
              .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
              .enable(SerializationFeature.INDENT_OUTPUT)
              .build();
    }
    return json;
  }

  private static ObjectMapper yaml() {
    if (yaml == null) {
      yaml =
          new ObjectMapper(
                  YAMLFactory.builder()
                      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                      .build())
              .registerModule(new JavaTimeModule())
              .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }
    return yaml;
  }
}
