package dev.kldload.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WgKeyTest {

  @Test
  @DisplayName("the public key computed in Java equals what wg pubkey printed for the same key")
  void publicKeyMatchesWg() {
    for (int i = 0; i < TestKeys.PAIRS.length; i++) {
      assertThat(TestKeys.privateKey(i).publicKey()).isEqualTo(TestKeys.publicKey(i));
      assertThat(TestKeys.privateKey(i).publicKey().base64()).isEqualTo(TestKeys.PAIRS[i][1]);
    }
  }

  @Test
  @DisplayName("generated keys are clamped, distinct, and parse back")
  void generated() {
    WgPrivateKey a = WgPrivateKey.generate();
    WgPrivateKey b = WgPrivateKey.generate();
    assertThat(a).isNotEqualTo(b);
    byte[] raw = Base64.getDecoder().decode(a.base64());
    assertThat(raw[0] & 7).isZero();
    assertThat(raw[31] & 0xc0).isEqualTo(0x40);
    assertThat(WgPrivateKey.parse(a.base64())).isEqualTo(a);
    assertThat(WgKey.parse(a.publicKey().base64())).isEqualTo(a.publicKey());
  }

  @Test
  @DisplayName("a private key never shows in toString")
  void privateKeyNotPrinted() {
    WgPrivateKey key = TestKeys.privateKey(0);
    assertThat(key.toString()).doesNotContain(TestKeys.PAIRS[0][0]).isEqualTo("(private key)");
  }

  @Test
  @DisplayName("keys that are not 32 bytes of wg-style base64 are invalid input")
  void rejectsBadKeys() {
    for (String bad :
        new String[] {
          "",
          "abc",
          "9EPsB9sZvy+NN5iWebK201vFweXftl4FSiKpH+h+/D0",
          "9EPsB9sZvy+NN5iWebK201vFweXftl4FSiKpH+h+/D1=",
          "9EPsB9sZvy+NN5iWebK201vFweXftl4FSiKpH+h+/D0==",
          "9EPsB9sZvy+NN5iWebK201vFweXftl4FSiKpH+h+/D0=; rm -rf /"
        }) {
      assertThatThrownBy(() -> WgKey.parse(bad))
          .isInstanceOfSatisfying(
              KldloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_INPUT));
    }
  }
}
