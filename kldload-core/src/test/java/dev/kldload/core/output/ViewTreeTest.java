package dev.kldload.core.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ViewTreeTest {
  enum Kind {
    ZVOL,
    QCOW2 {
      @Override
      public String toString() {
        return "qcow";
      }
    }
  }

  enum Health {
    OK,
    MISSING;

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  record Disk(String path, Long capacityBytes, Instant created, Kind kind, Health health) {}

  /** Not public, in a package-private class: databind writes it all the same. */
  private record Machine(
      String name,
      int vcpus,
      long memoryBytes,
      double ratio,
      boolean managed,
      Boolean pinned,
      Integer nodeId,
      List<Disk> disks,
      List<String> tags,
      List<List<Integer>> matrix,
      Map<String, Disk> byName,
      Disk root,
      @JsonInclude(JsonInclude.Include.NON_NULL) Disk spare,
      @JsonInclude(JsonInclude.Include.NON_NULL) String error,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> notes,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String comment,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> extra,
      Instant seen) {

    /** Not a getter: databind leaves it out, and so must the writer. */
    public int total() {
      return vcpus + 1;
    }

    static Machine named(String name) {
      return new Machine(
          name, 1, 2, 3, true, null, null, List.of(), List.of(), List.of(), Map.of(), null, null,
          null, List.of(), "", Map.of(), null);
    }
  }

  record Timed(String name, Duration took) {}

  record Maybe(Optional<String> name) {}

  record Located(Path path) {}

  record Renamed(@JsonProperty("id") String name) {}

  record Defaulted(@JsonInclude(JsonInclude.Include.NON_DEFAULT) String name) {}

  record Counted(int pass, int fail) {
    public int getTotal() {
      return pass + fail;
    }
  }

  static final class Bean {
    public String getName() {
      return "bean";
    }
  }

  @Test
  @DisplayName(
      "JSON and YAML are databind's, byte for byte: nested records, lists, maps, nulls,"
          + " empties, numbers, times, enums, @JsonValue and @JsonInclude")
  void sameAsDatabind() throws Exception {
    List<Record> samples = ViewSamples.of(Machine.class);
    assertThat(samples).hasSizeGreaterThan(ViewSamples.STRINGS.size());
    for (Record machine : samples) {
      DatabindRenderer.assertRendersAsDatabind(machine);
    }
  }

  @Test
  @DisplayName("list and single print what databind wrote, JSON with a final newline")
  void listAndSingle() throws Exception {
    Machine machine = Machine.named("web01");
    for (OutputFormat format : List.of(OutputFormat.JSON, OutputFormat.YAML)) {
      StringWriter list = new StringWriter();
      new Renderer(format).list(new PrintWriter(list), List.of(machine), Table.of(Machine.class));
      StringWriter single = new StringWriter();
      new Renderer(format).single(new PrintWriter(single), machine, m -> "");
      if (format == OutputFormat.JSON) {
        assertThat(list.toString())
            .isEqualTo(DatabindRenderer.json(Map.of("items", List.of(machine))) + "\n");
        assertThat(single.toString()).isEqualTo(DatabindRenderer.json(machine) + "\n");
      } else {
        assertThat(list.toString())
            .isEqualTo(DatabindRenderer.yaml(Map.of("items", List.of(machine))));
        assertThat(single.toString()).isEqualTo(DatabindRenderer.yaml(machine));
      }
    }
  }

  @Test
  @DisplayName(
      "a type or a Jackson annotation the writer does not know fails, rather than being written"
          + " unlike databind")
  void unknownFails() throws Exception {
    // Duration: databind writes seconds as a decimal number (WRITE_DURATIONS_AS_TIMESTAMPS)
    assertThat(DatabindRenderer.json(new Timed("boot", Duration.ofMillis(1500))))
        .contains("\"took\" : 1.500000000");
    // a getter besides the components: databind writes it as one more field
    assertThat(DatabindRenderer.json(new Counted(1, 2))).contains("\"total\" : 3");
    List<Object> unknown =
        List.of(
            new Timed("boot", Duration.ofSeconds(1)),
            new Maybe(Optional.of("x")),
            new Located(Path.of("/tmp")),
            new Renamed("x"),
            new Defaulted("x"),
            new Counted(1, 2),
            new Bean(),
            Map.of(1, "one"),
            List.of(1.5f));
    for (Object value : unknown) {
      assertThatThrownBy(() -> Renderer.toJson(value))
          .as("%s", value)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("the output writer does not know ");
      assertThatThrownBy(() -> Renderer.toYaml(value))
          .as("%s", value)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
