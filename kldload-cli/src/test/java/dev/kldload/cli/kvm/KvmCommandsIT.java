package dev.kldload.cli.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.NativeLibrary;
import dev.kldload.cli.CliHarness;
import dev.kldload.cli.CliHarness.Result;
import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.GoldenFiles;
import dev.kldload.core.testing.Requirements;
import dev.kldload.kvm.libvirt.LibvirtHypervisor;
import dev.kldload.kvm.xml.DomainDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The KVM tools end to end, in-process, against libvirt's test driver (its state lives in this JVM,
 * shared by every connection) with real qcow2 files, seeds and host keys in a temporary directory.
 */
class KvmCommandsIT {
  static final String URI = "test:///default";
  @TempDir Path tmp;
  Path images;
  Map<String, String> env;
  String prefix;
  LibvirtHypervisor libvirt;

  @BeforeEach
  void setUp() {
    boolean loads;
    try {
      NativeLibrary.getInstance("virt");
      loads = true;
    } catch (UnsatisfiedLinkError e) {
      loads = false;
    }
    Requirements.require(loads, "libvirt0 (apt-get install libvirt0)");
    for (String tool : List.of("qemu-img", "xorriso", "ssh-keygen", "virt-xml-validate")) {
      Requirements.require(
          Requirements.onPath(tool), tool + " (see src-test-fixtures/apt/kvm.list)");
    }
    images = tmp.resolve("images");
    env =
        Map.of(
            "HOME", tmp.toString(),
            "KLDLOAD_STATE_DIR", tmp.resolve("state").toString(),
            "KLDLOAD_RUN_DIR", tmp.resolve("run").toString(),
            "KLDLOAD_KVM_IMAGES_DIR", images.toString(),
            "KLDLOAD_KVM_BACKEND", "qcow2",
            "KLDLOAD_KVM_VIRT_TYPE", "qemu");
    prefix = "t" + UUID.randomUUID().toString().substring(0, 6);
    libvirt = new LibvirtHypervisor(URI);
    // the test driver frees its state when the last connection closes: hold one for the test
    libvirt.domains();
  }

  @AfterEach
  void tearDown() {
    if (libvirt == null) {
      return;
    }
    KvmTestBed.removeDomains(libvirt, prefix);
    libvirt.close();
  }

  Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--connect");
    all.add(URI);
    return harness().exec(all.toArray(String[]::new));
  }

  private CliHarness harness() {
    CliHarness harness = CliHarness.harness();
    env.forEach(harness::env);
    return harness;
  }

  String name(String suffix) {
    return prefix + "-" + suffix;
  }

  JsonNode listed(String vm) throws IOException {
    Result list = run("kvm-list", "-o", "json");
    assertThat(list.exit()).as("%s", list).isZero();
    for (JsonNode item : new ObjectMapper().readTree(list.out()).get("items")) {
      if (item.get("name").asText().equals(vm)) {
        return item;
      }
    }
    return null;
  }

  void assertValidXml(String vm) throws IOException {
    Path file = tmp.resolve(vm + ".xml");
    Files.writeString(file, libvirt.domain(vm).orElseThrow().xml());
    ProcessResult r =
        new SystemProcessRunner()
            .run(ProcessSpec.of("virt-xml-validate", file.toString(), "domain").build());
    assertThat(r.exitCode()).as("virt-xml-validate %s: %s", vm, r.stderr()).isZero();
  }

  Path cloudImage() {
    Path image = tmp.resolve("cloud.qcow2");
    new SystemProcessRunner()
        .check(
            ProcessSpec.of("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "256M")
                .build());
    return image;
  }

  @Test
  @DisplayName(
      "kvm-create from an image: qcow2 disk, 0600 seed, pinned host key, valid XML, listed as ours")
  void createFromImage() throws IOException {
    String vm = name("img");
    Result r =
        run(
            "kvm-create",
            vm,
            "--image",
            cloudImage().toString(),
            "--disk",
            "1G",
            "--ram",
            "512",
            "--cpus",
            "1",
            "--firmware",
            "bios");
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(images.resolve(vm + ".qcow2")).exists();
    Path seed = images.resolve(vm + "-seed.iso");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(seed)))
        .isEqualTo("rw-------");
    assertThat(tmp.resolve("state/kvm/" + vm + "/ssh_host_ed25519_key.pub"))
        .content()
        .startsWith("ssh-ed25519 ");
    assertThat(tmp.resolve("state/keys/admin_ed25519")).exists();
    assertValidXml(vm);
    JsonNode row = listed(vm);
    assertThat(row).isNotNull();
    assertThat(row.get("managed").asBoolean()).isTrue();
    assertThat(row.get("memoryBytes").asLong()).isEqualTo(512L << 20);
    assertThat(row.get("diskBytes").asLong()).isEqualTo(1L << 30);
    assertThat(row.get("state").asText()).isEqualTo("shut-off");
    String xml = libvirt.domain(vm).orElseThrow().xml();
    assertThat(xml).contains("listen='127.0.0.1'").contains(seed.toString());
  }

  @Test
  @DisplayName("kvm-create --dry-run prints the plan and defines and creates nothing")
  void dryRun() {
    String vm = name("dry");
    Result r = run("kvm-create", vm, "--dry-run", "--firmware", "bios");
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out()).contains("disk", "define");
    assertThat(libvirt.domain(vm)).isEmpty();
    assertThat(images.resolve(vm + ".qcow2")).doesNotExist();
  }

  @Test
  @DisplayName(
      "clone → list shows origin → delete refuses the source with its clone named → delete both")
  void cloneAndDelete() throws IOException {
    String golden = name("golden");
    String web = name("web");
    assertThat(run("kvm-create", golden, "--disk", "1G", "--firmware", "bios").exit()).isZero();
    Result clone = run("kvm-clone", golden, web);
    assertThat(clone.exit()).as("%s", clone).isZero();
    assertThat(clone.out()).matches("(?s)cloned " + golden + " to " + web + " in \\d+ ms\\n");
    assertValidXml(web);
    JsonNode row = listed(web);
    assertThat(row.get("origin").asText()).startsWith(golden + "@clone-");
    assertThat(row.get("diskBytes").asLong()).isEqualTo(1L << 30);
    DomainDefinition def = DomainDefinition.parse(libvirt.domain(web).orElseThrow().xml());
    assertThat(def.dataDisks().get(0).source()).contains(images.resolve(web + ".qcow2"));
    assertThat(def.disks())
        .filteredOn(DomainDefinition.DiskEntry::isCdrom)
        .singleElement()
        .satisfies(d -> assertThat(d.source()).contains(images.resolve(web + "-seed.iso")));
    assertThat(libvirt.domain(web).orElseThrow().uuid())
        .isNotEqualTo(libvirt.domain(golden).orElseThrow().uuid());

    Result refused = run("kvm-delete", golden, "--yes");
    assertThat(refused.exit()).as("%s", refused).isEqualTo(5);
    assertThat(refused.err()).contains(web, "nothing was changed", "qemu-img rebase");
    assertThat(libvirt.domain(golden)).isPresent();

    assertThat(run("kvm-delete", web, "--yes").exit()).isZero();
    assertThat(run("kvm-delete", golden, "--yes").exit()).isZero();
    assertThat(libvirt.domain(web)).isEmpty();
    try (Stream<Path> left = Files.list(images)) {
      assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)))
          .isEmpty();
    }
  }

  @Test
  @DisplayName(
      "kvm-clone refuses NEW = SOURCE (2), a taken name (5), a missing source (4); a running qcow2"
          + " source is saved, frozen and resumed")
  void cloneRefusals() {
    String a = name("a");
    String b = name("b");
    assertThat(run("kvm-create", a, "--disk", "1G", "--firmware", "bios").exit()).isZero();
    assertThat(run("kvm-create", b, "--disk", "1G", "--firmware", "bios").exit()).isZero();
    assertThat(run("kvm-clone", a, a).exit()).isEqualTo(2);
    assertThat(run("kvm-clone", a, b).exit()).isEqualTo(5);
    assertThat(run("kvm-clone", name("none"), name("c")).exit()).isEqualTo(4);
    libvirt.start(a);
    Result running = run("kvm-clone", a, name("c"));
    assertThat(running.exit()).as("%s", running).isZero();
    assertThat(running.err()).contains("memory saved");
    assertThat(libvirt.domain(a).orElseThrow().state().label()).isEqualTo("running");
    assertThat(libvirt.domain(name("c"))).isPresent();
  }

  static Stream<List<String>> badInput() {
    return Stream.of(
        List.of("kvm-create", "a/b"),
        List.of("kvm-create", "a;reboot"),
        List.of("kvm-create", "a'b"),
        List.of("kvm-create", "a\"b"),
        List.of("kvm-create", "a..b"),
        List.of("kvm-create", "-rf"),
        List.of("kvm-create", "x".repeat(64)),
        List.of("kvm-create", "okname", "--ram", "0"),
        List.of("kvm-create", "okname", "--disk", "-5G"),
        List.of("kvm-create", "okname", "--cpus", "0"),
        List.of("kvm-create", "okname", "--volblocksize", "64K"),
        List.of("kvm-create", "okname", "--backend", "lvm"),
        List.of("kvm-create", "okname", "--vnc-listen", "0.0.0.0;x"),
        List.of("kvm-create", "okname", "--os", "win95"),
        List.of("kvm-create", "okname", "--cmdline", "console=ttyS0"),
        List.of("kvm-create", "okname", "--kernel", "/nonexistent/vmlinuz"),
        List.of("kvm-create", "okname", "--kernel", "/etc/hostname", "--cmdline", "a\nb"),
        List.of("kvm-clone", "okname", "../etc"),
        List.of("kvm-snap", "okname", "bad;snap"),
        List.of("kvm-snap", "okname", "."),
        List.of("kvm-snap", "okname", "snap", "rm"),
        List.of("kvm-create", "okname", "--disk", "40X"),
        List.of("kvm-create", "okname", "--ram", "1.5.5"),
        List.of("kvm-delete", "a/b", "--yes"));
  }

  @ParameterizedTest
  @MethodSource("badInput")
  @DisplayName("bad input exits 2 and defines or creates nothing")
  void badInputChangesNothing(List<String> args) {
    int before = libvirt.domains().size();
    Result r = run(args.toArray(String[]::new));
    assertThat(r.exit()).as("%s", r).isEqualTo(2);
    assertThat(r.err()).startsWith("error: ");
    assertThat(libvirt.domains()).hasSize(before);
    assertThat(images).doesNotExist();
  }

  @Test
  @DisplayName(
      "kvm-snap on qcow2: take two (one running), list, rollback refuses naming the newer one, then"
          + " destroys it")
  void snapshots() throws IOException {
    String vm = name("snap");
    assertThat(run("kvm-create", vm, "--disk", "1G", "--firmware", "bios").exit()).isZero();
    assertThat(run("kvm-snap", vm, "one").exit()).isZero();
    libvirt.start(vm);
    Result two = run("kvm-snap", vm, "two");
    assertThat(two.exit()).as("%s", two).isZero();
    assertThat(two.err()).contains("memory saved");
    assertThat(libvirt.domain(vm).orElseThrow().state().label()).isEqualTo("running");
    assertThat(images.resolve(vm + "@one.qcow2")).exists();
    assertThat(images.resolve(vm + "@two.qcow2")).exists();
    Result list = run("kvm-snap", vm, "list", "-o", "json");
    assertThat(list.exit()).as("%s", list).isZero();
    JsonNode items = new ObjectMapper().readTree(list.out()).get("items");
    assertThat(items).extracting(n -> n.get("name").asText()).containsExactly("one", "two");
    Result refused = run("kvm-snap", vm, "rollback", "one");
    assertThat(refused.exit()).as("%s", refused).isEqualTo(5);
    assertThat(refused.err()).contains("two", "--destroy-newer");
    assertThat(images.resolve(vm + "@two.qcow2")).exists();
    Result rollback = run("kvm-snap", vm, "rollback", "one", "--destroy-newer");
    assertThat(rollback.exit()).as("%s", rollback).isZero();
    assertThat(images.resolve(vm + "@two.qcow2")).doesNotExist();
    assertThat(libvirt.domain(vm).orElseThrow().state().label()).isEqualTo("running");
    assertThat(libvirt.snapshots(vm)).as("disk snapshots, not libvirt's").isEmpty();
    assertThat(run("kvm-snap", vm, "delete", "one").exit()).isZero();
    assertThat(images.resolve(vm + "@one.qcow2")).doesNotExist();
    assertThat(run("kvm-snap", vm, "delete", "one").exit()).isEqualTo(4);
  }

  @Test
  @DisplayName(
      "sizes as the original: --disk 2 is 2 GB, --ram 1024 is 1024 MB; sizes with units are taken"
          + " as written; the help says so")
  void sizeUnits() throws IOException {
    String plain = name("plain");
    Result r = run("kvm-create", plain, "--disk", "2", "--ram", "1024", "--firmware", "bios");
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(listed(plain).get("diskBytes").asLong()).isEqualTo(2L << 30);
    assertThat(listed(plain).get("memoryBytes").asLong()).isEqualTo(1024L << 20);
    String units = name("units");
    r = run("kvm-create", units, "--disk", "1GiB", "--ram", "1G", "--firmware", "bios");
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(listed(units).get("diskBytes").asLong()).isEqualTo(1L << 30);
    assertThat(listed(units).get("memoryBytes").asLong()).isEqualTo(1L << 30);
    Result bad = run("kvm-create", name("bad"), "--disk", "40X");
    assertThat(bad.exit()).as("%s", bad).isEqualTo(2);
    assertThat(bad.err()).contains("--disk '40X' is not a size", "number of GB");
    Result help = run("kvm-create", "--help");
    assertThat(help.out()).contains("plain number is GB", "plain number is MB");
  }

  @Test
  @DisplayName(
      "kvm-snap takes the original's verbs (snap NAME, create, ls, rm) and never takes a verb, '.'"
          + " or '..' for a snapshot name (exit 2)")
  void snapVerbs() throws IOException {
    String vm = name("verbs");
    assertThat(run("kvm-create", vm, "--disk", "1G", "--firmware", "bios").exit()).isZero();
    assertThat(run("kvm-snap", vm, "snap", "one").exit()).isZero();
    assertThat(run("kvm-snap", vm, "create", "two").exit()).isZero();
    Result ls = run("kvm-snap", vm, "ls");
    assertThat(ls.exit()).as("%s", ls).isZero();
    assertThat(ls.out()).startsWith("NAME ").contains("one", "two");
    assertThat(images.resolve(vm + "@ls.qcow2")).doesNotExist();
    for (List<String> refused :
        List.of(
            List.of("snap", "ls"), List.of("create", "rm"), List.of("."), List.of("snap", ".."))) {
      List<String> args = new ArrayList<>(List.of("kvm-snap", vm));
      args.addAll(refused);
      Result r = run(args.toArray(String[]::new));
      assertThat(r.exit()).as("%s: %s", refused, r).isEqualTo(2);
      assertThat(r.err()).startsWith("error: ").contains("hint: ");
    }
    assertThat(run("kvm-snap", vm, "rm", "two").exit()).isZero();
    Result list = run("kvm-snap", vm, "list", "-o", "json");
    JsonNode items = new ObjectMapper().readTree(list.out()).get("items");
    assertThat(items).extracting(n -> n.get("name").asText()).containsExactly("one");
  }

  @Test
  @DisplayName(
      "kvm-delete leaves a domain without our metadata alone unless --force; --yes is needed without a TTY")
  void foreignDomain() {
    String vm = name("foreign");
    Path elsewhere = tmp.resolve("keep.qcow2");
    libvirt.define(
        "<domain type='test'><name>"
            + vm
            + "</name><memory>65536</memory><os><type>hvm</type></os>"
            + "<devices><disk type='file' device='disk'><source file='"
            + elsewhere
            + "'/>"
            + "<target dev='vda' bus='virtio'/></disk></devices></domain>");
    Result refused = run("kvm-delete", vm, "--yes");
    assertThat(refused.exit()).as("%s", refused).isEqualTo(6);
    assertThat(refused.err()).contains("--force");
    assertThat(run("kvm-delete", vm, "--force").exit()).isEqualTo(2);
    assertThat(libvirt.domain(vm)).isPresent();
    Result forced = run("kvm-delete", vm, "--force", "--yes");
    assertThat(forced.exit()).as("%s", forced).isZero();
    assertThat(libvirt.domain(vm)).isEmpty();
  }

  @Test
  @DisplayName("kvm-list -o json against a test:///<file> host matches the golden file")
  void listGolden() throws IOException {
    Path node = tmp.resolve("node.xml");
    Files.writeString(
        node,
        String.join(
            "\n",
            "<node>",
            "  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>",
            "    <name>web02</name>",
            "    <metadata><kldload:kldload xmlns:kldload='https://kldload.dev/xmlns/domain/1'>",
            "      <kldload:owner>kvm-clone</kldload:owner><kldload:role>vm</kldload:role>",
            "      <kldload:clone-origin>golden@clone-20261126-101500-000</kldload:clone-origin>",
            "    </kldload:kldload></metadata>",
            "    <memory unit='MiB'>2048</memory><vcpu>2</vcpu><test:runstate>5</test:runstate>",
            "    <os><type arch='x86_64'>hvm</type></os>",
            "  </domain>",
            "  <domain type='test'>",
            "    <name>foreign</name><memory unit='MiB'>512</memory><vcpu>1</vcpu>",
            "    <os><type arch='x86_64'>hvm</type></os>",
            "  </domain>",
            "</node>",
            ""));
    Result listed = harness().exec("kvm-list", "-o", "json", "--connect", "test://" + node);
    assertThat(listed.exit()).as("%s", listed).isZero();
    GoldenFiles.assertMatches("kvm/kvm-list.json", listed.out());
    Result table = run("kvm-list");
    assertThat(table.exit()).isZero();
    assertThat(table.out()).startsWith("NAME ");
  }
}
