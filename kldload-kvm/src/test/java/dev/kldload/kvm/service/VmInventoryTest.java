package dev.kldload.kvm.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.value.VmName;
import dev.kldload.kvm.GuestAddress;
import dev.kldload.kvm.VmView;
import dev.kldload.kvm.xml.DomainMetadata;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing and address discovery on the in-memory hypervisor. */
class VmInventoryTest {
  @TempDir Path tmp;
  InMemoryHost host;

  @BeforeEach
  void setUp() {
    host = new InMemoryHost(tmp);
  }

  @Test
  @DisplayName(
      "list: memory in bytes, our mark and clone origin, saved memory; foreign domains unmanaged")
  void list() {
    host.define("web02", DomainMetadata.vm("kvm-clone").withCloneOrigin("golden@clone-1"));
    host.define("web04", DomainMetadata.vm("kvm-create"));
    host.hypervisor.start("web04");
    host.hypervisor.saveState("web04");
    host.hypervisor.define(
        "<domain type='qemu'><name>other</name><memory unit='KiB'>1024</memory><vcpu>1</vcpu>"
            + "<os><type>hvm</type></os></domain>");
    assertThat(host.services.inventory().list())
        .containsExactly(
            new VmView("other", "shut-off", 1024 * 1024, 1, null, null, null, false),
            new VmView("web02", "shut-off", 512L << 20, 1, null, null, "golden@clone-1", true),
            new VmView("web04", "saved", 512L << 20, 1, null, null, null, true));
  }

  @Test
  @DisplayName("address: the lease's IPv4 (not loopback, not IPv6); a deadline when none comes")
  void address() throws InterruptedException {
    host.define("web04", DomainMetadata.vm("kvm-create"));
    Conditions fast =
        new Conditions(
            Conditions.SYSTEM, new CancellationToken(), Duration.ofMillis(1), Duration.ofMillis(5));
    assertThatThrownBy(
            () ->
                host.services
                    .inventory()
                    .awaitAddress(VmName.of("web04"), Duration.ofMillis(30), fast))
        .satisfies(e -> assertThat(((KldloadException) e).kind()).isEqualTo(ErrorKind.TIMEOUT))
        .hasMessageContaining("web04");
    host.hypervisor.lease("web04", new GuestAddress("vnet0", "52:54:00:00:00:01", "fe80::1", 64));
    host.hypervisor.lease(
        "web04", new GuestAddress("vnet0", "52:54:00:00:00:01", "192.168.122.50", 24));
    assertThat(
            host.services
                .inventory()
                .awaitAddress(VmName.of("web04"), Duration.ofSeconds(1), fast)
                .address())
        .isEqualTo("192.168.122.50");
  }
}
