package dev.kldload.kube.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.ByteSize;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SizingTest {
  private static final ByteSize DISK = ByteSize.ofGigabytes(40);

  private static Sizing.Request request(int cps, int workers) {
    return new Sizing.Request(
        cps, workers, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), DISK);
  }

  @Test
  @DisplayName(
      "a 64 GB, 16-CPU host: 52 GB in shares, a control plane takes two, CPUs half/quarter")
  void largeHost() {
    Sizing.Result r = Sizing.choose(new HostCapacity(64_000, 16), request(1, 5));
    // (64000 - 12000) / (2 + 5) = 7428 MB a share
    assertThat(r.worker()).isEqualTo(new NodeSize(ByteSize.ofMegabytes(7_428), 4));
    assertThat(r.controlPlane()).isEqualTo(new NodeSize(ByteSize.ofMegabytes(14_856), 8));
    assertThat(r.controlPlanes()).isEqualTo(1);
    assertThat(r.notes()).isEmpty();
  }

  @Test
  @DisplayName("a share is clamped to 2–16 GB")
  void clamped() {
    assertThat(Sizing.choose(new HostCapacity(512_000, 64), request(1, 1)).worker().memory())
        .isEqualTo(ByteSize.ofMegabytes(16_384));
    assertThat(Sizing.choose(new HostCapacity(20_000, 4), request(1, 10)).worker().memory())
        .isEqualTo(ByteSize.ofMegabytes(2_048));
  }

  @Test
  @DisplayName(
      "under 16 GB the small sizes apply (the original's fallback, which never took effect)")
  void smallHost() {
    Sizing.Result r = Sizing.choose(new HostCapacity(15_000, 2), request(1, 2));
    assertThat(r.controlPlane()).isEqualTo(new NodeSize(ByteSize.ofMegabytes(4_096), 2));
    assertThat(r.worker()).isEqualTo(new NodeSize(ByteSize.ofMegabytes(2_048), 2));
    assertThat(r.notes()).singleElement().asString().contains("small node sizes");
  }

  @Test
  @DisplayName("control planes that do not fit are lowered to the next odd count, and it is said")
  void fewerControlPlanes() {
    Sizing.Result r = Sizing.choose(new HostCapacity(24_000, 2), request(3, 0));
    // budget 12000 MB; three control planes of 4096 MB do not fit, one does
    assertThat(r.controlPlanes()).isEqualTo(1);
    assertThat(r.notes())
        .anySatisfy(n -> assertThat(n).contains("3 control planes").contains("using 1"));
    assertThat(Sizing.choose(new HostCapacity(128_000, 32), request(3, 3)).controlPlanes())
        .isEqualTo(3);
  }

  @Test
  @DisplayName("flags override the computed sizes")
  void overrides() {
    Sizing.Result r =
        Sizing.choose(
            new HostCapacity(64_000, 16),
            new Sizing.Request(
                1,
                2,
                Optional.of(ByteSize.ofMegabytes(3_000)),
                Optional.of(3),
                Optional.of(ByteSize.ofMegabytes(6_000)),
                Optional.of(5),
                DISK));
    assertThat(r.worker()).isEqualTo(new NodeSize(ByteSize.ofMegabytes(3_000), 3));
    assertThat(r.controlPlane()).isEqualTo(new NodeSize(ByteSize.ofMegabytes(6_000), 5));
  }

  @Test
  @DisplayName("an even number of control planes is refused: etcd could not keep quorum")
  void evenControlPlanes() {
    assertThatThrownBy(() -> request(2, 0))
        .isInstanceOfSatisfying(
            KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT))
        .hasMessageContaining("quorum");
  }
}
