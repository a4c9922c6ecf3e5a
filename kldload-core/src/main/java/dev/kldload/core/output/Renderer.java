package dev.kldload.core.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Renders views (records) as a table, JSON or YAML on stdout. JSON/YAML keep the record's component
 * order, write raw values (bytes as integers, times as ISO-8601 UTC) and wrap lists as {@code
 * {"items": [...]}} so that a later field can be added without breaking consumers.
 *
 * <p>The views are walked by {@link ViewTree} and written with jackson-core's generators, not an
 * {@code ObjectMapper}: the bytes are the ones databind wrote (JSR-310 module, dates not as
 * timestamps, indented JSON; YAML without a document start marker, minimal quotes), for a fraction
 * of a read command's start-up.
 */
public final class Renderer {
  private static volatile JsonFactory json;
  private static volatile YAMLFactory yaml;

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
      case JSON -> out.println(toJson(Map.of("items", items)));
      case YAML -> out.print(toYaml(Map.of("items", items)));
    }
    out.flush();
  }

  /** One object: in table form, a two-column KEY VALUE listing of its top-level fields. */
  public <T> void single(PrintWriter out, T item, Function<T, String> tableForm) {
    switch (format) {
      case TABLE -> out.print(tableForm.apply(item));
      case JSON -> out.println(toJson(item));
      case YAML -> out.print(toYaml(item));
    }
    out.flush();
  }

  /** The JSON form of any view, as the renderer writes it (also used for golden files). */
  public static String toJson(Object value) {
    if (json == null) {
      json = new JsonFactory();
    }
    return write(json, value, true);
  }

  public static String toYaml(Object value) {
    if (yaml == null) {
      yaml =
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build();
    }
    return write(yaml, value, false);
  }

  private static String write(JsonFactory factory, Object value, boolean indent) {
    Object tree = ViewTree.of(value);
    StringWriter text = new StringWriter();
    try (JsonGenerator out = factory.createGenerator(text)) {
      if (indent) {
        // what databind's INDENT_OUTPUT installs
        out.useDefaultPrettyPrinter();
      }
      ViewTree.write(out, tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
