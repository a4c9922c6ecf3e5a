package dev.kldload.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.KldloadException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EndpointTest {

  @Test
  @DisplayName("IPv4, IPv6 and DNS names are endpoints; IPv6 gets brackets with a port")
  void accepts() {
    assertThat(Endpoint.parse("192.168.122.11").withPort(51820)).isEqualTo("192.168.122.11:51820");
    assertThat(Endpoint.parse("fd00::11").withPort(51821)).isEqualTo("[fd00::11]:51821");
    assertThat(Endpoint.parse("node-1.lan").withPort(1)).isEqualTo("node-1.lan:1");
    assertThat(Endpoint.parse("192.168.122.11").literal()).isTrue();
    assertThat(Endpoint.parse("node-1.lan").literal()).isFalse();
  }

  @Test
  @DisplayName("ports, shell characters, bad octets and empty strings are invalid input")
  void rejects() {
    for (String bad :
        new String[] {"", "1.2.3.4:51820", "a b", "x;y", "300.1.1.1", "-lead", "a..b", "$(id)"}) {
      assertThatThrownBy(() -> Endpoint.parse(bad)).isInstanceOf(KldloadException.class);
    }
  }
}
