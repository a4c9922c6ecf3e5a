package dev.kldload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.support.WarmUp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ToolsTest {
  private static String[] args(String... values) {
    return values;
  }

  @Test
  @DisplayName(
      "an invocation builds only the tool it names, skipping root options and their values")
  void namedTool() {
    assertThat(Tools.needed(args("ksnap", "list")))
        .extracting(Tools.Tool::name)
        .containsExactly("ksnap");
    assertThat(Tools.needed(args("--state-dir", "/tmp/s", "-v", "kdf", "-o", "json")))
        .extracting(Tools.Tool::name)
        .containsExactly("kdf");
    assertThat(Tools.needed(args("--color=never", "kst")))
        .extracting(Tools.Tool::name)
        .containsExactly("kst");
  }

  @Test
  @DisplayName("--version builds no tool; root help and unknown names build them all")
  void rootCases() {
    assertThat(Tools.needed(args("--version"))).isEmpty();
    assertThat(Tools.needed(args())).isEmpty();
    assertThat(Tools.needed(args("--help"))).isEqualTo(Tools.ALL);
    assertThat(Tools.needed(args("ksnpa"))).isEqualTo(Tools.ALL);
  }

  @Test
  @DisplayName("tool names are unique and match each command's own name")
  void namesMatchAnnotations() {
    assertThat(Tools.ALL).extracting(Tools.Tool::name).doesNotHaveDuplicates();
    for (Tools.Tool tool : Tools.ALL) {
      picocli.CommandLine.Command command =
          tool.type().getAnnotation(picocli.CommandLine.Command.class);
      assertThat(command.name()).as(tool.type().getName()).isEqualTo(tool.name());
    }
  }

  @Test
  @DisplayName(
      "the kvm tools warm libvirt up while picocli parses; help, version, other tools and unknown"
          + " names warm nothing up")
  void warmUps() {
    Runnable libvirt = Tools.byName("kvm-list").orElseThrow().warmUp();
    assertThat(libvirt).isNotSameAs(WarmUp.NOTHING);
    for (String tool : new String[] {"kvm-create", "kvm-clone", "kvm-snap", "kvm-delete"}) {
      assertThat(Tools.byName(tool).orElseThrow().warmUp()).as(tool).isSameAs(libvirt);
    }
    assertThat(Main.warmUp(args("kvm-list", "-o", "json"))).isSameAs(libvirt);
    assertThat(Main.warmUp(args("-v", "kvm-list"))).isSameAs(libvirt);
    assertThat(Main.warmUp(args("kvm-list", "--help"))).isSameAs(WarmUp.NOTHING);
    assertThat(Main.warmUp(args("kvm-snap", "create", "-h"))).isSameAs(WarmUp.NOTHING);
    assertThat(Main.warmUp(args("--version"))).isSameAs(WarmUp.NOTHING);
    assertThat(Main.warmUp(args("ksnap", "list"))).isSameAs(WarmUp.NOTHING);
    assertThat(Main.warmUp(args("kvm-lsit"))).isSameAs(WarmUp.NOTHING);
  }
}
