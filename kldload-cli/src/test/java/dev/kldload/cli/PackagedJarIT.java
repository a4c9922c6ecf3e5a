package dev.kldload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar as the launcher runs it: a separate JVM, as an operator's shell would start it.
 */
class PackagedJarIT {
  private static final Path JAR = Path.of("target", "kldload-cli.jar");

  @BeforeAll
  static void packaged() {
    assertThat(JAR).as("failsafe runs after package").exists();
  }

  private static ProcessResult java(String prog, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("-Xlog:class+load=info:file=" + classLog(prog));
    argv.add("-Dkldload.prog=" + prog);
    argv.add("-jar");
    argv.add(JAR.toString());
    argv.addAll(List.of(args));
    return new SystemProcessRunner()
        .run(ProcessSpec.of(argv).timeout(Duration.ofSeconds(60)).build());
  }

  private static Path classLog(String prog) {
    return Path.of("target", "class-load-" + prog.replace('/', '_') + ".log").toAbsolutePath();
  }

  @Test
  @DisplayName("--version and --help load no adapter library (libvirt, fabric8, JSch, JNA)")
  void lazyAdapters() throws Exception {
    for (String flag : List.of("--version", "--help")) {
      ProcessResult result = java("kldload", flag);
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      String loaded = Files.readString(classLog("kldload"));
      assertThat(loaded)
          .as("classes loaded by %s", flag)
          .contains("dev.kldload.cli.Main")
          .doesNotContain(
              "dev.kldload.kvm.libvirt.jna.", "io.fabric8.", "com.jcraft.jsch.", "com.sun.jna.");
    }
  }

  @Test
  @DisplayName("invoked through a symlink named after a tool, the tool runs directly")
  void multiCallThroughProcess() {
    ProcessResult viaName = java("/usr/local/bin/doctor", "--help");
    assertThat(viaName.exitCode()).isZero();
    assertThat(viaName.stdout()).startsWith("Check every engine").contains("Usage: kldload doctor");
  }

  @Test
  @DisplayName("doctor -o json prints valid JSON on stdout and exits 0 or 6")
  void doctorJson() throws Exception {
    ProcessResult result = java("kldload", "doctor", "-o", "json");
    assertThat(result.exitCode()).as(result.stderr()).isIn(0, 6);
    JsonNode json = new ObjectMapper().readTree(result.stdout());
    assertThat(json.get("ready").isBoolean()).isTrue();
    assertThat(json.get("items")).isNotEmpty();
    assertThat(json.get("ready").asBoolean()).isEqualTo(result.exitCode() == 0);
  }
}
