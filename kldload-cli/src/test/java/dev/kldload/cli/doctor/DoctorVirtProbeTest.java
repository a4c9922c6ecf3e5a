package dev.kldload.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.cli.CliHarness;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.process.ProcessRunner;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.Programs;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hardware-virtualisation row of doctor, as the wiring root builds it. */
class DoctorVirtProbeTest {
  @Test
  @DisplayName(
      "doctor boots the given kernel under -accel kvm with the configured deadline; a hang reads"
          + " 'not usable (guests hang), domains will use qemu'")
  void hangingHost(@TempDir Path tmp) throws Exception {
    Requirements.require(Files.exists(Path.of("/dev/kvm")), "needs /dev/kvm");
    Requirements.require(
        Programs.which("qemu-system-x86_64").isPresent(), "needs qemu-system-x86_64");
    Path kernel = Files.writeString(tmp.resolve("vmlinuz-test"), "not a kernel");
    List<ProcessSpec> qemuCalls = new ArrayList<>();
    ProcessRunner host = new SystemProcessRunner();
    // QEMU plays a nested-PVM host (killed at the deadline, console empty); the rest is real
    ProcessRunner runner =
        spec -> {
          if (Path.of(spec.program()).getFileName().toString().equals("qemu-system-x86_64")) {
            qemuCalls.add(spec);
            throw new KldloadException(ErrorKind.TIMEOUT, "qemu did not finish", null);
          }
          return host.run(spec);
        };
    CliHarness.Result result =
        CliHarness.harness()
            .env("KLDLOAD_VIRT_PROBE_KERNEL", kernel.toString())
            .env("KLDLOAD_VIRT_PROBE_SECONDS", "7")
            .runner(runner)
            .hostProbes()
            .exec("doctor", "-o", "json");
    assertThat(result.exit()).as(result.toString()).isIn(0, 6);
    JsonNode row = null;
    for (JsonNode item : new ObjectMapper().readTree(result.out()).get("items")) {
      if (item.get("name").asText().equals("hardware virtualisation")) {
        row = item;
      }
    }
    assertThat(row).as(result.toString()).isNotNull();
    assertThat(row.get("status").asText()).isEqualTo("warn");
    assertThat(row.get("detail").asText())
        .isEqualTo("not usable (guests hang), domains will use qemu");
    assertThat(row.get("required").asBoolean()).isFalse();
    assertThat(qemuCalls).singleElement();
    assertThat(qemuCalls.get(0).argv()).contains("-accel", "kvm", kernel.toString());
    assertThat(qemuCalls.get(0).timeout().toSeconds()).isEqualTo(7);
  }
}
