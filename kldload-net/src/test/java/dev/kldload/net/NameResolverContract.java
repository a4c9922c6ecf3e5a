package dev.kldload.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every {@link NameResolver} must do; the in-memory one and the system one both run it. */
public abstract class NameResolverContract {
  protected abstract NameResolver resolver();

  @Test
  @DisplayName("an IPv4 or IPv6 literal resolves to itself")
  void literals() {
    assertThat(resolver().resolve("192.168.122.12"))
        .singleElement()
        .satisfies(a -> assertThat(a.getHostAddress()).isEqualTo("192.168.122.12"));
    assertThat(resolver().resolve("fd00::11")).hasSize(1);
  }

  @Test
  @DisplayName("a name that does not resolve gives no address, not an error")
  void unknown() {
    // .invalid never resolves (RFC 2606)
    assertThat(resolver().resolve("no-such-node.invalid")).isEmpty();
  }
}
