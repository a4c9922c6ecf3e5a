package dev.kldload.cli.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.cli.CliHarness;
import dev.kldload.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VersionProviderTest {
  @Test
  @DisplayName("the --version fast path prints exactly what picocli's version help prints")
  void fastPathMatchesPicocli() {
    StringWriter picocli = new StringWriter();
    StringWriter fast = new StringWriter();
    Cli cli = CliHarness.harness().cli();
    Main.commandLine(cli).printVersionHelp(new PrintWriter(picocli, true));
    assertThat(VersionProvider.print(new PrintWriter(fast, true))).isZero();
    assertThat(fast.toString()).isEqualTo(picocli.toString()).startsWith("kldload ");
  }

  @Test
  @DisplayName("only a lone --version or -V takes the fast path")
  void onlyLoneVersionFlag() {
    assertThat(VersionProvider.isVersionRequest(new String[] {"--version"})).isTrue();
    assertThat(VersionProvider.isVersionRequest(new String[] {"-V"})).isTrue();
    assertThat(VersionProvider.isVersionRequest(new String[] {"ksnap", "--version"})).isFalse();
    assertThat(VersionProvider.isVersionRequest(new String[] {"--version", "-v"})).isFalse();
  }
}
