package dev.kldload.cli.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.cli.CliHarness;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.kvm.InMemoryHypervisor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kvm commands on in-memory engines: the hypervisor fake and a runner that stands in for
 * qemu-img (it writes the qcow2 header qemu-img would). What needs the real libvirt test driver and
 * qemu-img is in {@link KvmCommandsIT}.
 */
class KvmCommandsTest {
  @TempDir Path dir;
  InMemoryHypervisor hypervisor;
  final List<ProcessSpec> ran = new CopyOnWriteArrayList<>();
  boolean failQemuImg;

  @BeforeEach
  void setUp() {
    hypervisor = new InMemoryHypervisor();
  }

  private CliHarness.Result run(String... args) {
    return KvmTestBed.cli(dir, "qcow2", "test:///default")
        .hypervisor(uri -> hypervisor)
        .runner(
            spec -> {
              ran.add(spec);
              if (spec.program().equals("qemu-img") && spec.argv().get(1).equals("create")) {
                if (failQemuImg) {
                  return new ProcessResult(spec, 1, "", "qemu-img: disk full", Duration.ZERO);
                }
                writeQcow2(spec.argv());
              }
              return new ProcessResult(spec, 0, "", "", Duration.ZERO);
            })
        .exec(args);
  }

  /** The 32-byte qcow2 header (magic, version 3, no backing file, virtual size) at the target. */
  private static void writeQcow2(List<String> argv) {
    String file = argv.stream().filter(a -> a.endsWith(".qcow2")).reduce((a, b) -> b).orElseThrow();
    ByteBuffer b = ByteBuffer.allocate(32);
    b.putInt(0x514649fb).putInt(3).putLong(0).putInt(0).putInt(0).putLong(1L << 30);
    try {
      Files.write(Path.of(file), b.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @DisplayName(
      "kvm-create makes a disk and a domain (plain --ram in MB, --disk in GB); kvm-list shows it")
  void createAndList() throws IOException {
    CliHarness.Result create =
        run(
            "kvm-create",
            "web01",
            "--ram",
            "4096",
            "--cpus",
            "2",
            "--disk",
            "40",
            "--firmware",
            "bios");
    assertThat(create.exit()).as(create.toString()).isZero();
    assertThat(ran)
        .filteredOn(s -> s.program().equals("qemu-img"))
        .singleElement()
        .satisfies(s -> assertThat(s.argv()).endsWith(String.valueOf(40L << 30)));
    assertThat(dir.resolve("images/web01.qcow2")).exists();

    CliHarness.Result list = run("kvm-list", "-o", "json");
    assertThat(list.exit()).as(list.toString()).isZero();
    JsonNode vm = new ObjectMapper().readTree(list.out()).path("items").get(0);
    assertThat(vm.path("name").asText()).isEqualTo("web01");
    assertThat(vm.path("memoryBytes").asLong()).as(list.out()).isEqualTo(4096L << 20);
  }

  @Test
  @DisplayName(
      "a kvm-create whose disk step fails leaves no domain and no disk, and names the step")
  void failedCreateLeavesNothing() throws IOException {
    failQemuImg = true;
    CliHarness.Result r = run("kvm-create", "web01", "--disk", "1G", "--firmware", "bios");
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).as(r.toString()).contains("step disk failed");
    assertThat(hypervisor.domains()).isEmpty();
    try (var files = Files.list(dir.resolve("images"))) {
      assertThat(files).as("images left behind").isEmpty();
    }
  }

  @Test
  @DisplayName("kvm-delete without a terminal needs --yes, then removes the domain and its disk")
  void deleteConfirms() {
    assertThat(run("kvm-create", "web01", "--disk", "1G", "--firmware", "bios").exit()).isZero();
    CliHarness.Result refused = run("kvm-delete", "web01");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
    assertThat(hypervisor.domains()).hasSize(1);

    CliHarness.Result deleted = run("kvm-delete", "web01", "--yes");
    assertThat(deleted.exit()).as(deleted.toString()).isZero();
    assertThat(hypervisor.domains()).isEmpty();
    assertThat(dir.resolve("images/web01.qcow2")).doesNotExist();
  }

  @Test
  @DisplayName("kvm-snap VM ls lists snapshots; it never takes one named 'ls'")
  void snapVerb() {
    assertThat(run("kvm-create", "web01", "--disk", "1G", "--firmware", "bios").exit()).isZero();
    CliHarness.Result ls = run("kvm-snap", "web01", "ls");
    assertThat(ls.exit()).as(ls.toString()).isZero();
    assertThat(hypervisor.snapshots("web01")).isEmpty();
    CliHarness.Result named = run("kvm-snap", "web01", "snap", "ls");
    assertThat(named.exit()).as(named.toString()).isEqualTo(2);
  }
}
