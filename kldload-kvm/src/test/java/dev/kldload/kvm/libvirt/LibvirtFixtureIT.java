package dev.kldload.kvm.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.kvm.DomainState;
import dev.kldload.kvm.Hypervisor;
import dev.kldload.kvm.HypervisorContract;
import dev.kldload.kvm.VmDomain;
import dev.kldload.kvm.xml.DomainDefinition;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The adapter against a {@code test:///<file>} host: our domain, a foreign one, a network. */
class LibvirtFixtureIT extends HypervisorContract {
  static String fixtureUri() {
    return "test://" + Path.of("src/test/resources/libvirt/node.xml").toAbsolutePath();
  }

  @Override
  protected Hypervisor open() {
    LibvirtHypervisorIT.requireLibvirt();
    return new LibvirtHypervisor(fixtureUri());
  }

  @Test
  @DisplayName("our metadata marks our domain; the foreign one has none")
  void ownership() {
    VmDomain ours = hypervisor.domain("ours01").orElseThrow();
    assertThat(ours.state()).isEqualTo(DomainState.RUNNING);
    assertThat(DomainDefinition.parse(ours.xml()).ours()).isTrue();
    assertThat(DomainDefinition.parse(ours.xml()).dataDisks())
        .extracting(d -> d.source().orElseThrow().toString())
        .containsExactly("/var/lib/libvirt/images/ours01.qcow2");
    VmDomain foreign = hypervisor.domain("foreign01").orElseThrow();
    assertThat(DomainDefinition.parse(foreign.xml()).ours()).isFalse();
  }
}
