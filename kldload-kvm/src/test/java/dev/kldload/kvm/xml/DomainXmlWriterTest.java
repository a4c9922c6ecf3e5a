package dev.kldload.kvm.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.testing.GoldenFiles;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.VmName;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DomainXmlWriterTest {

  @Test
  @DisplayName("UEFI, zvol, seed, network: matches the golden file")
  void uefiGolden() {
    GoldenFiles.assertMatches(
        "domain-uefi-zvol.xml", DomainXmlWriter.write(DomainSpecs.uefiZvol()));
  }

  @Test
  @DisplayName("BIOS, qcow2, installer ISO, bridge: matches the golden file")
  void biosGolden() {
    GoldenFiles.assertMatches(
        "domain-bios-qcow2.xml", DomainXmlWriter.write(DomainSpecs.biosQcow2Installer()));
  }

  @Test
  @DisplayName("direct kernel boot and the OS variant: matches the golden file")
  void directBootGolden() {
    GoldenFiles.assertMatches(
        "domain-direct-boot.xml", DomainXmlWriter.write(DomainSpecs.directBootQcow2()));
  }

  @Test
  @DisplayName("a kernel command line with a newline, or over 2047 characters, is invalid input")
  void cmdlineValidation() {
    Path kernel = Path.of("/boot/vmlinuz");
    for (String bad : List.of("root=/dev/vda\ninit=/bin/sh", "x".repeat(2048))) {
      assertThatThrownBy(() -> new DirectBoot(kernel, Optional.empty(), bad))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT));
    }
  }

  @Test
  @DisplayName("--os names map to libosinfo ids; an unknown name lists the known ones")
  void osVariants() {
    assertThat(OsVariant.of("ubuntu24.04").osinfoId()).isEqualTo("http://ubuntu.com/ubuntu/24.04");
    assertThatThrownBy(() -> OsVariant.of("win95"))
        .isInstanceOfSatisfying(
            KldloadException.class,
            e ->
                assertThat(e.getMessage() + e.hint().orElse(""))
                    .contains("win95")
                    .contains("debian12"));
  }

  @Test
  @DisplayName("the written XML reads back: disks, nvram, our metadata; no uuid, VNC on loopback")
  void roundTrip() {
    String xml = DomainXmlWriter.write(DomainSpecs.uefiZvol());
    DomainDefinition def = DomainDefinition.parse(xml);
    assertThat(def.name()).isEqualTo("web01");
    assertThat(def.uuid()).isEmpty();
    assertThat(def.nvram()).contains(Path.of("/var/lib/libvirt/images/web01_VARS.fd"));
    assertThat(def.dataDisks())
        .extracting(d -> d.source().orElseThrow())
        .containsExactly(Path.of("/dev/zvol/rpool/vms/web01"));
    assertThat(def.disks()).filteredOn(DomainDefinition.DiskEntry::isCdrom).hasSize(1);
    assertThat(def.metadata()).contains(DomainSpecs.uefiZvol().metadata());
    assertThat(xml).contains("listen=\"127.0.0.1\"");
  }

  @Test
  @DisplayName("markup in a value is escaped by the DOM, never pasted into the document")
  void escaping() {
    DomainMetadata tricky =
        new DomainMetadata("a</kldload:owner><x/>&", "vm", Optional.of("c\"'"), Optional.empty());
    DomainSpec spec = DomainSpecs.biosQcow2Installer();
    String xml =
        DomainXmlWriter.write(
            new DomainSpec(
                spec.name(),
                spec.virtType(),
                spec.memory(),
                spec.vcpus(),
                spec.firmware(),
                spec.disks(),
                spec.seed(),
                spec.installer(),
                spec.nics(),
                spec.vncListen(),
                tricky,
                Optional.empty(),
                OsVariant.GENERIC));
    assertThat(DomainDefinition.parse(xml).metadata()).contains(tricky);
  }

  @Test
  @DisplayName("too little memory, zero vCPUs and bad network names are refused as invalid input")
  void validation() {
    assertThatThrownBy(
            () ->
                new DomainSpec(
                    VmName.of("x"),
                    "kvm",
                    ByteSize.ofMegabytes(1),
                    1,
                    new DomainSpec.Bios(),
                    List.of(),
                    Optional.empty(),
                    Optional.of(Path.of("/x.iso")),
                    List.of(),
                    "127.0.0.1",
                    DomainMetadata.vm("t"),
                    Optional.empty(),
                    OsVariant.GENERIC))
        .isInstanceOf(KldloadException.class)
        .satisfies(
            e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.INVALID_INPUT));
    assertThatThrownBy(() -> new DomainSpec.Nic(DomainSpec.NicKind.BRIDGE, "br0;reboot"))
        .isInstanceOf(KldloadException.class);
  }

  @Test
  @DisplayName(
      "a clone: new name, disks, vars and seed; no uuid, MACs or source cdroms; origin set")
  void cloneEdit() {
    var doc = Xml.parse(DomainXmlWriter.write(DomainSpecs.uefiZvol()));
    var root = doc.getDocumentElement();
    var uuid = doc.createElement("uuid");
    uuid.setTextContent("6695eb01-f6a4-8304-79aa-97f2502e193f");
    root.insertBefore(uuid, Xml.first(root, "name").orElseThrow().getNextSibling());
    var iface = Xml.path(root, "devices/interface").orElseThrow();
    Xml.attrs(Xml.child(iface, "mac"), "address", "52:54:00:11:22:33");
    String clone =
        CloneEditor.edit(
            Xml.write(doc),
            VmName.of("web02"),
            Map.of(Path.of("/dev/zvol/rpool/vms/web01"), Path.of("/dev/zvol/rpool/vms/web02")),
            Optional.of(Path.of("/var/lib/libvirt/images/web02_VARS.fd")),
            List.of(new MacAddress("52:54:00:44:55:66")),
            Optional.of(Path.of("/var/lib/libvirt/images/web02-seed.iso")),
            DomainSpecs.uefiZvol().metadata().withCloneOrigin("rpool/vms/web01@clone-1"));
    GoldenFiles.assertMatches("domain-clone.xml", clone);
    DomainDefinition def = DomainDefinition.parse(clone);
    assertThat(def.name()).isEqualTo("web02");
    assertThat(def.uuid()).isEmpty();
    assertThat(clone)
        .doesNotContain("52:54:00:11:22:33")
        .contains("52:54:00:44:55:66")
        .doesNotContain("web01-seed");
    assertThat(def.nvram()).contains(Path.of("/var/lib/libvirt/images/web02_VARS.fd"));
    assertThat(def.metadata().orElseThrow().cloneOrigin()).contains("rpool/vms/web01@clone-1");
    assertThat(def.disks())
        .extracting(d -> d.source().orElseThrow().toString())
        .containsExactly("/dev/zvol/rpool/vms/web02", "/var/lib/libvirt/images/web02-seed.iso");
  }

  @Test
  @DisplayName("a clone refuses a source disk it has no clone for")
  void cloneUnmappedDisk() {
    assertThatThrownBy(
            () ->
                CloneEditor.edit(
                    DomainXmlWriter.write(DomainSpecs.uefiZvol()),
                    VmName.of("web02"),
                    Map.of(),
                    Optional.empty(),
                    List.of(MacAddress.random()),
                    Optional.empty(),
                    DomainMetadata.vm("t")))
        .isInstanceOf(KldloadException.class)
        .hasMessageContaining("/dev/zvol/rpool/vms/web01");
  }
}
