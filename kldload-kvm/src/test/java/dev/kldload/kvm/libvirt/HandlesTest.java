package dev.kldload.kvm.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HandlesTest {
  private final AtomicLong kept = new AtomicLong();
  private final AtomicLong freed = new AtomicLong();
  private final List<String> order = new ArrayList<>();

  /** A free() that records which handle it freed. */
  private int record(String handle) {
    order.add(handle);
    return 0;
  }

  @Test
  @DisplayName("close frees every handle kept, newest first, and counts them")
  void freesAll() {
    try (Handles h = new Handles(kept, freed)) {
      h.keep("a", this::record);
      assertThat(h.keep("b", this::record)).isEqualTo("b");
    }
    assertThat(order).containsExactly("b", "a");
    assertThat(kept.get()).isEqualTo(2);
    assertThat(freed.get()).isEqualTo(2);
  }

  @Test
  @DisplayName("a free that fails does not stop the others; the failure is reported after")
  void failureKeepsFreeing() {
    Handles h = new Handles(kept, freed);
    h.keep("a", this::record);
    h.keep(
        "jna",
        s -> {
          throw new IllegalStateException("invalid memory access");
        });
    h.keep("d", this::record);
    IllegalStateException e = catchThrowableOfType(IllegalStateException.class, h::close);
    assertThat(e).hasMessage("invalid memory access");
    assertThat(order).containsExactly("d", "a");
    assertThat(freed.get()).isEqualTo(2);
  }
}
