package dev.kldload.kvm.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.KldloadException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DomainDefinitionTest {
  /**
   * Other tools' namespaced elements and attributes beside ours, comments, CDATA, a second {@code
   * <devices>}: the reader must take what the DOM took, and nothing else.
   */
  static final String XML =
      """
      <domain type='kvm' xmlns:x='urn:other'>
        <name>web<!-- a comment -->01</name>
        <x:name>not ours</x:name>
        <uuid> 0b0e4c1a-54f1-4f8b-9a73-3b1c3c2fd9a1 </uuid>
        <metadata>
          <x:kldload><x:owner>other</x:owner></x:kldload>
          <kldload:kldload xmlns:kldload='https://kldload.dev/xmlns/domain/1'>
            <kldload:owner>kvm-clone</kldload:owner>
            <kldload:role><![CDATA[vm]]></kldload:role>
            <kldload:clone-origin>tank/golden@base</kldload:clone-origin>
          </kldload:kldload>
        </metadata>
        <os><type>hvm</type><nvram>/var/lib/libvirt/qemu/nvram/web01_VARS.fd</nvram></os>
        <devices>
          <disk type='block' device='disk'>
            <source x:file='/not/this' dev='/dev/zvol/tank/web01'/>
            <target dev='vda' bus='virtio'/>
          </disk>
          <disk device='cdrom'><source file='/seed.iso'/><target dev='sda'/></disk>
          <disk><target dev='vdb'/></disk>
          <x:disk><source file='/other'/></x:disk>
          <interface type='network'/>
          <interface type='network'/>
        </devices>
        <devices><disk><source file='/second/devices'/></disk></devices>
      </domain>
      """;

  @Test
  @DisplayName("reads name, uuid, disks, vars file, metadata and NICs as the DOM helpers did")
  void reads() {
    DomainDefinition def = DomainDefinition.parse(XML);
    assertThat(def.name()).isEqualTo("web01");
    assertThat(def.uuid()).contains("0b0e4c1a-54f1-4f8b-9a73-3b1c3c2fd9a1");
    assertThat(def.disks())
        .containsExactly(
            new DomainDefinition.DiskEntry(
                "disk", "block", Optional.of(Path.of("/dev/zvol/tank/web01")), "vda"),
            new DomainDefinition.DiskEntry(
                "cdrom", "file", Optional.of(Path.of("/seed.iso")), "sda"),
            new DomainDefinition.DiskEntry("disk", "file", Optional.empty(), "vdb"));
    assertThat(def.nvram()).contains(Path.of("/var/lib/libvirt/qemu/nvram/web01_VARS.fd"));
    assertThat(def.metadata())
        .contains(
            new DomainMetadata(
                "kvm-clone", "vm", Optional.empty(), Optional.of("tank/golden@base")));
    assertThat(def.nics()).isEqualTo(2);
  }

  @Test
  @DisplayName("a domain without our metadata, disks or vars file reads as such")
  void bare() {
    DomainDefinition def =
        DomainDefinition.parse("<domain><name>foreign</name><os><nvram/></os></domain>");
    assertThat(def.name()).isEqualTo("foreign");
    assertThat(def.uuid()).isEmpty();
    assertThat(def.disks()).isEmpty();
    assertThat(def.nvram()).isEmpty();
    assertThat(def.ours()).isFalse();
    assertThat(def.nics()).isZero();
  }

  @Test
  @DisplayName("a DOCTYPE or malformed XML is refused")
  void refused() {
    assertThatThrownBy(
            () ->
                DomainDefinition.parse(
                    "<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                        + "<domain><name>&x;</name></domain>"))
        .isInstanceOf(KldloadException.class)
        .hasMessageStartingWith("domain definition is not well-formed XML: ");
    assertThatThrownBy(() -> DomainDefinition.parse("<domain><name>x</domain>"))
        .isInstanceOf(KldloadException.class)
        .hasMessageStartingWith("domain definition is not well-formed XML: ");
  }
}
