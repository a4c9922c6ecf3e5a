package dev.kldload.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InMemoryNameResolverTest extends NameResolverContract {
  @Override
  protected NameResolver resolver() {
    return new InMemoryNameResolver();
  }

  @Test
  @DisplayName("a name set by the test resolves to its addresses in order")
  void names() {
    InMemoryNameResolver resolver = new InMemoryNameResolver().name("node2.lan", "10.0.0.2");
    assertThat(resolver.resolve("node2.lan"))
        .singleElement()
        .satisfies(a -> assertThat(a.getHostAddress()).isEqualTo("10.0.0.2"));
  }
}
