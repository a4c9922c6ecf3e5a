package dev.kldload.net;

import dev.kldload.core.KldloadException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.KeyAgreement;

/**
 * A WireGuard private key (Curve25519 scalar, clamped as {@code wg genkey} does). Its public half
 * is X25519(key, 9) computed with the JDK's XDH provider, so no {@code wg} binary is needed. {@link
 * #toString} never shows the key: it must not reach a log.
 */
public final class WgPrivateKey {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final byte[] bytes;

  private WgPrivateKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A fresh key from the system's secure random source. */
  public static WgPrivateKey generate() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    // RFC 7748 clamping, as wg genkey writes it
    raw[0] &= (byte) 248;
    raw[31] &= 127;
    raw[31] |= 64;
    return new WgPrivateKey(raw);
  }

  public static WgPrivateKey parse(String text) {
    WgKey key;
    try {
      key = WgKey.parse(text);
    } catch (KldloadException e) {
      throw KldloadException.invalid("private key is not a WireGuard key", WgKey.HINT);
    }
    return new WgPrivateKey(Base64.getDecoder().decode(key.base64()));
  }

  public WgKey publicKey() {
    try {
      KeyFactory factory = KeyFactory.getInstance("XDH");
      PrivateKey scalar =
          factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, bytes.clone()));
      PublicKey basePoint =
          factory.generatePublic(
              new XECPublicKeySpec(NamedParameterSpec.X25519, BigInteger.valueOf(9)));
      KeyAgreement agreement = KeyAgreement.getInstance("XDH");
      agreement.init(scalar);
      agreement.doPhase(basePoint, true);
      return WgKey.of(agreement.generateSecret());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no X25519 (XDH) provider", e);
    }
  }

  /** The key as wg reads it; only for files with mode 0600 and for {@code wg set} on stdin. */
  public String base64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Whether {@code key} carries this private key's bytes: a private key given as a public one. */
  public boolean sameBytes(WgKey key) {
    return Arrays.equals(bytes, Base64.getDecoder().decode(key.base64()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WgPrivateKey other && Arrays.equals(other.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "(private key)";
  }
}
