package dev.kldload.kvm.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.xml.DomainMetadata;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kvm-delete refusals on the in-memory hypervisor: nothing is changed by them. */
class VmDeletionTest {
  @TempDir Path tmp;
  InMemoryHost host;

  @BeforeEach
  void setUp() {
    host = new InMemoryHost(tmp);
  }

  @Test
  @DisplayName("delete refuses a foreign domain without force, and a running one without force")
  void deleteRefusals() {
    host.hypervisor.define(
        "<domain type='qemu'><name>other</name><memory unit='KiB'>1024</memory><os><type>hvm</type></os></domain>");
    assertThatThrownBy(() -> host.services.deletion().delete(VmName.of("other"), false))
        .satisfies(
            e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.PRECONDITION));
    host.define("web03", DomainMetadata.vm("kvm-create"));
    host.hypervisor.start("web03");
    assertThatThrownBy(() -> host.services.deletion().delete(VmName.of("web03"), false))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.CONFLICT))
        .hasMessageContaining("running");
    assertThat(host.hypervisor.domain("web03").orElseThrow().state())
        .isEqualTo(DomainState.RUNNING);
    assertThatThrownBy(() -> host.services.deletion().delete(VmName.of("nothing"), true))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }
}
