package dev.kldload.kvm.xml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.process.ProcessResult;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.VmName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every XML we generate passes libvirt's own schema check. */
public class DomainXmlValidateIT {
  @TempDir Path dir;

  @BeforeAll
  static void tools() {
    Requirements.require(
        Requirements.onPath("virt-xml-validate") && Requirements.onPath("xmllint"),
        "virt-xml-validate and xmllint (apt-get install libvirt-clients libxml2-utils)");
  }

  /** Runs {@code virt-xml-validate FILE domain}; used by other tests too. */
  public static void assertValid(String xml, Path dir) throws IOException {
    Path file = Files.createTempFile(dir, "domain", ".xml");
    Files.writeString(file, xml);
    ProcessResult result =
        new SystemProcessRunner()
            .run(ProcessSpec.of("virt-xml-validate", file.toString(), "domain").build());
    assertThat(result.exitCode())
        .as("virt-xml-validate: %s %s%n%s", result.stdout(), result.stderr(), xml)
        .isZero();
  }

  @Test
  @DisplayName("UEFI + zvol + seed validates")
  void uefi() throws IOException {
    assertValid(DomainXmlWriter.write(DomainSpecs.uefiZvol()), dir);
  }

  @Test
  @DisplayName("BIOS + qcow2 + installer + bridge validates")
  void bios() throws IOException {
    assertValid(DomainXmlWriter.write(DomainSpecs.biosQcow2Installer()), dir);
  }

  @Test
  @DisplayName("direct kernel boot + OS metadata validates")
  void directBoot() throws IOException {
    assertValid(DomainXmlWriter.write(DomainSpecs.directBootQcow2()), dir);
  }

  @Test
  @DisplayName("a clone's edited definition validates")
  void cloneDefinition() throws IOException {
    assertValid(
        CloneEditor.edit(
            DomainXmlWriter.write(DomainSpecs.uefiZvol()),
            VmName.of("web02"),
            Map.of(Path.of("/dev/zvol/rpool/vms/web01"), Path.of("/dev/zvol/rpool/vms/web02")),
            Optional.of(Path.of("/var/lib/libvirt/images/web02_VARS.fd")),
            List.of(MacAddress.random()),
            Optional.of(Path.of("/var/lib/libvirt/images/web02-seed.iso")),
            DomainMetadata.vm("kvm-clone")),
        dir);
  }
}
