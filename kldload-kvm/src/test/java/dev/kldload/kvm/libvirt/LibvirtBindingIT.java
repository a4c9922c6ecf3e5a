package dev.kldload.kvm.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.probe.ProbeResult;
import dev.kldload.kvm.AddressSource;
import dev.kldload.kvm.GuestAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What our binding reads from libvirt's structures and errors, on the test driver's built-in domain
 * {@code test} (running, one interface {@code testnet0} that reports 192.168.122.3/24).
 */
class LibvirtBindingIT {
  static final String URI = "test:///default";

  LibvirtHypervisor libvirt;

  @BeforeEach
  void setUp() {
    LibvirtHypervisorIT.requireLibvirt();
    libvirt = new LibvirtHypervisor(URI);
  }

  @AfterEach
  void tearDown() {
    libvirt.close();
  }

  @Test
  @DisplayName("interface addresses come from virDomainInterface and its address array")
  void addresses() {
    assertThat(libvirt.addresses("test", AddressSource.LEASE))
        .containsExactly(new GuestAddress("testnet0", "aa:bb:cc:dd:ee:ff", "192.168.122.3", 24));
    assertThat(libvirt.handlesFreed()).isEqualTo(libvirt.handlesKept());
  }

  @Test
  @DisplayName(
      "the warm-up loads libvirt in another thread; a listing after it reads" + " the definitions")
  void warmUpInAnotherThread() throws InterruptedException {
    Thread thread = new Thread(LibvirtWarmUp::run);
    thread.start();
    thread.join();
    assertThat(libvirt.domains()).extracting(d -> d.name()).contains("test");
  }

  @Test
  @DisplayName("the domain info gives state, memory and vCPUs")
  void info() {
    var test = libvirt.domain("test").orElseThrow();
    assertThat(test.state().active()).isTrue();
    assertThat(test.memoryKib()).isEqualTo(8L * 1024 * 1024);
    assertThat(test.vcpus()).isEqualTo(2);
    assertThat(test.uuid()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(test.xml()).startsWith("<domain type='test'>");
  }

  @Test
  @DisplayName("libvirt's error code and message reach the exception: a definition it refuses")
  void errorMapped() {
    KldloadException e =
        catchThrowableOfType(
            KldloadException.class,
            () -> libvirt.define("<domain type='test'><name>refused</name></domain>"));
    assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
    assertThat(e.getMessage())
        .isEqualTo("domain refused: define failed: XML error: an os <type> must be specified");
    assertThat(e.hint()).contains("the definition was refused; run with --dry-run to inspect it");
    assertThat(libvirt.domain("refused")).isEmpty();
  }

  @Test
  @DisplayName("a connection that fails names the URI and libvirt's reason")
  void connectFails() {
    LibvirtHypervisor broken = new LibvirtHypervisor("test:///nonexistent/node.xml");
    KldloadException e = catchThrowableOfType(KldloadException.class, broken::domains);
    assertThat(e.getMessage())
        .startsWith("cannot connect to libvirt at test:///nonexistent/node.xml: ")
        .doesNotContain("unknown libvirt error");
    assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("--connect"));
  }

  @Test
  @DisplayName("the doctor's probe connects read-only and names driver and library version")
  void probe() {
    ProbeResult r = new KvmProbes.LibvirtProbe(URI).probe();
    assertThat(r.status()).isEqualTo(ProbeResult.Status.OK);
    assertThat(r.detail()).matches("connected to test:///default \\(TEST [0-9]+\\)");
  }
}
