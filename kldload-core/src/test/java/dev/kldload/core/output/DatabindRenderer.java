package dev.kldload.core.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;
import java.util.Map;

/**
 * The reference {@link Renderer} must match byte for byte: the {@code ObjectMapper}s it used before
 * it walked views itself, configured as they were.
 */
public final class DatabindRenderer {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();
  private static final ObjectMapper YAML =
      new ObjectMapper(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .build())
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private DatabindRenderer() {}

  public static String json(Object value) throws JsonProcessingException {
    return JSON.writeValueAsString(value);
  }

  public static String yaml(Object value) throws JsonProcessingException {
    return YAML.writeValueAsString(value);
  }

  /**
   * Asserts that {@link Renderer} writes {@code view} as databind did: JSON and YAML, alone and as
   * the item of a list.
   */
  public static void assertRendersAsDatabind(Record view) throws JsonProcessingException {
    Map<String, List<Record>> list = Map.of("items", List.of(view, view));
    assertThat(Renderer.toJson(view)).as("JSON of %s", view).isEqualTo(json(view));
    assertThat(Renderer.toYaml(view)).as("YAML of %s", view).isEqualTo(yaml(view));
    assertThat(Renderer.toJson(list)).as("JSON list of %s", view).isEqualTo(json(list));
    assertThat(Renderer.toYaml(list)).as("YAML list of %s", view).isEqualTo(yaml(list));
  }
}
