package dev.kldload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.probe.Probe;
import dev.kldload.core.probe.ProbeResult;
import dev.kldload.core.testing.GoldenFiles;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MainTest {

  /** A probe with a fixed answer, so doctor's output is the same on every machine. */
  record FixedProbe(
      String name, boolean requiredForBootstrap, ProbeResult.Status status, String detail)
      implements Probe {
    @Override
    public String purpose() {
      return "purpose of " + name;
    }

    @Override
    public ProbeResult probe() {
      return switch (status) {
        case OK -> ProbeResult.ok(this, detail);
        case WARN -> ProbeResult.warn(this, detail, "consider fixing " + name);
        case MISSING -> ProbeResult.missing(this, detail, "apt-get install " + name);
      };
    }
  }

  private static final List<Probe> MIXED =
      List.of(
          new FixedProbe("root", true, ProbeResult.Status.OK, "running as uid 0"),
          new FixedProbe("libzfs_core", true, ProbeResult.Status.MISSING, "cannot be loaded"),
          new FixedProbe("/dev/kvm", false, ProbeResult.Status.WARN, "absent"));

  @Test
  @DisplayName("kldload --help matches its golden file")
  void rootHelpGolden() {
    CliHarness.Result result = CliHarness.run("--help");
    assertThat(result.exit()).as(result.toString()).isZero();
    GoldenFiles.assertMatches("help/kldload.txt", result.out());
  }

  @Test
  @DisplayName(
      "doctor -o json: valid JSON with ready and one item per probe; exit 6 when a required engine is missing")
  void doctorJsonGolden() {
    CliHarness.Result result = CliHarness.harness().probes(MIXED).exec("doctor", "-o", "json");
    assertThat(result.exit()).as(result.toString()).isEqualTo(6);
    assertThat(result.err()).as(result.toString()).isEmpty();
    GoldenFiles.assertMatches("doctor-missing.json", result.out());
  }

  @Test
  @DisplayName("doctor exits 0 when only optional engines are missing or degraded")
  void doctorReady() {
    CliHarness.Result result =
        CliHarness.harness().probes(List.of(MIXED.get(0), MIXED.get(2))).exec("doctor");
    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out()).contains("CHECK", "root", "ok", "/dev/kvm", "warn");
    assertThat(result.err()).contains("ready for a real bootstrap");
  }

  @Test
  @DisplayName("a symlink named after a tool runs that tool directly")
  void multiCall() {
    CliHarness.Result viaLink =
        CliHarness.harness().probes(MIXED).invokedAs("/usr/local/bin/doctor").exec("-o", "yaml");
    CliHarness.Result viaRoot = CliHarness.harness().probes(MIXED).exec("doctor", "-o", "yaml");
    assertThat(viaLink.exit()).isEqualTo(viaRoot.exit()).isEqualTo(6);
    assertThat(viaLink.out()).isEqualTo(viaRoot.out()).startsWith("ready: false\nitems:\n");
  }

  @Test
  @DisplayName("global options work before and after the subcommand")
  void inheritedGlobals() {
    CliHarness.Result after = CliHarness.harness().probes(MIXED).exec("doctor", "-q");
    assertThat(after.err()).as(after.toString()).isEmpty();
    CliHarness.Result before = CliHarness.harness().probes(MIXED).exec("-q", "doctor");
    assertThat(before.err()).as(before.toString()).isEmpty();
    CliHarness.Result normal = CliHarness.harness().probes(MIXED).exec("doctor");
    assertThat(normal.err()).contains("not ready");
  }

  @Test
  @DisplayName("a bad option value is one error line and exit 2")
  void badValue() {
    CliHarness.Result result = CliHarness.run("doctor", "-o", "xml");
    assertThat(result.exit()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).as(result.toString()).contains("output format 'xml' is not known");
  }

  @Test
  @DisplayName("an unknown command suggests the closest one")
  void didYouMean() {
    CliHarness.Result result = CliHarness.run("docter");
    assertThat(result.exit()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).as(result.toString()).contains("docter").contains("doctor");
  }

  @Test
  @DisplayName("no command: usage error")
  void noCommand() {
    CliHarness.Result result = CliHarness.run();
    assertThat(result.exit()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("missing command");
  }

  @Test
  @DisplayName("--version names version, commit, build time and Java runtime")
  void version() {
    CliHarness.Result result = CliHarness.run("--version");
    assertThat(result.exit()).isZero();
    assertThat(result.out()).startsWith("kldload ").contains("commit: ", "built: ", "java: 17");
  }

  @Test
  @DisplayName("completion scripts cover the command tree for bash and zsh")
  void completion() {
    CliHarness.Result bash = CliHarness.run("completion", "bash");
    assertThat(bash.exit()).isZero();
    assertThat(bash.out()).contains("complete -F", "doctor");
    CliHarness.Result zsh = CliHarness.run("completion", "zsh");
    assertThat(zsh.out()).startsWith("autoload -U +X compinit").contains("bashcompinit");
    assertThat(CliHarness.run("completion", "fish").exit()).isEqualTo(2);
  }
}
