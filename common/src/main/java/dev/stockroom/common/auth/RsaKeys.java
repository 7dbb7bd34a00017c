package dev.stockroom.common.auth;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * RSA key pairs in the forms Stockroom's configuration takes: PEM (PKCS#8 private, X.509 public)
 * and a JWK for a JWKS document. Used by the launcher's local keys and by tests.
 */
public final class RsaKeys {
  private RsaKeys() {}

  public static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is not available in this JRE", e);
    }
  }

  public static String privatePem(KeyPair pair) {
    return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
  }

  public static String publicPem(KeyPair pair) {
    return pem("PUBLIC KEY", pair.getPublic().getEncoded());
  }

  /** The public half as a signing JWK (RFC 7517) with the given {@code kid}. */
  public static JsonObject jwk(KeyPair pair, String kid) {
    RSAPublicKey key = (RSAPublicKey) pair.getPublic();
    return new JsonObject()
        .put("kty", "RSA")
        .put("kid", kid)
        .put("use", "sig")
        .put("alg", "RS256")
        .put("n", unsigned(key.getModulus()))
        .put("e", unsigned(key.getPublicExponent()));
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
