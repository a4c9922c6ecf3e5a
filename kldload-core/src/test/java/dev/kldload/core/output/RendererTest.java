package dev.kldload.core.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.value.ByteSize;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RendererTest {
  record VmView(String name, String state, long memoryBytes, Instant created) {}

  private static final List<VmView> VMS =
      List.of(
          new VmView("web01", "running", 2L << 30, Instant.parse("2026-11-26T10:00:00Z")),
          new VmView("k8s-golden", "shut off", 4L << 30, Instant.parse("2026-11-25T08:30:00Z")));

  private static final Table<VmView> TABLE =
      Table.of(VmView.class)
          .column("name", VmView::name)
          .column("state", VmView::state)
          .right("ram", v -> ByteSize.human(v.memoryBytes()));

  private static String render(OutputFormat format) {
    StringWriter buffer = new StringWriter();
    new Renderer(format).list(new PrintWriter(buffer), VMS, TABLE);
    return buffer.toString();
  }

  @Test
  @DisplayName("tables: uppercase headers, no borders, aligned columns, right-aligned numbers")
  void table() {
    assertThat(render(OutputFormat.TABLE))
        .isEqualTo(
            "NAME         STATE      RAM\n"
                + "web01        running     2G\n"
                + "k8s-golden   shut off    4G\n");
  }

  @Test
  @DisplayName("JSON: {\"items\": [...]}, record field order, raw bytes, ISO-8601 UTC times")
  void json() {
    assertThat(render(OutputFormat.JSON).replaceAll("\\s+", ""))
        .isEqualTo(
            "{\"items\":[{\"name\":\"web01\",\"state\":\"running\",\"memoryBytes\":2147483648,"
                + "\"created\":\"2026-11-26T10:00:00Z\"},{\"name\":\"k8s-golden\",\"state\":\"shutoff\","
                + "\"memoryBytes\":4294967296,\"created\":\"2026-11-25T08:30:00Z\"}]}");
  }

  @Test
  @DisplayName("YAML: the same document without a start marker")
  void yaml() {
    assertThat(render(OutputFormat.YAML))
        .startsWith("items:\n- name: web01\n  state: running\n  memoryBytes: 2147483648\n");
  }

  @Test
  @DisplayName("colour only on a TTY, never with NO_COLOR or --color=never")
  void colour() {
    assertThat(new Terminal(true, true, ColorMode.AUTO, false).colorOnStderr()).isTrue();
    assertThat(new Terminal(true, true, ColorMode.AUTO, true).colorOnStderr()).isFalse();
    assertThat(new Terminal(false, false, ColorMode.AUTO, false).colorOnStderr()).isFalse();
    assertThat(new Terminal(true, true, ColorMode.NEVER, false).colorOnStdout()).isFalse();
    assertThat(new Terminal(false, false, ColorMode.ALWAYS, true).colorOnStdout()).isTrue();
  }
}
