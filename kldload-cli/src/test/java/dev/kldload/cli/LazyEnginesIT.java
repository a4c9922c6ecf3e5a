package dev.kldload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DESIGN §6: a command loads only the engines it uses. Runs Main in a fresh JVM with class loading
 * logged and looks for libvirt, JNA, fabric8, JSch and jib classes.
 */
class LazyEnginesIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"--help", "--version", "kdf --help", "ksnap list", "kst", "kdf"})
  @DisplayName("help, version and the zfs reads load no libvirt, JNA, fabric8, JSch or jib class")
  void loadsNoEngineLibraries(String args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    command.addAll(List.of(args.split(" ")));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("KLDLOAD_STATE_DIR", dir.resolve("state").toString());
    builder.environment().put("KLDLOAD_RUN_DIR", dir.resolve("run").toString());
    Process process = builder.start();
    process.getOutputStream().close();
    String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(log).as("class loading of 'kldload %s'", args).contains("dev.kldload.cli.Main");
    assertThat(
            log.lines()
                .filter(
                    l ->
                        l.matches(
                            ".*class,load\\] (org\\.libvirt|com\\.sun\\.jna|io\\.fabric8|com\\.jcraft|com\\.google\\.cloud\\.tools\\.jib)\\..*"))
                .toList())
        .as("engine library classes loaded by 'kldload %s'", args)
        .isEmpty();
  }
}
