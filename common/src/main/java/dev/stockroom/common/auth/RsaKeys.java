package dev.stockroom.common.auth;

import dev.stockroom.common.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /**
   * Refuses PEM text whose key is not an RSA key of its type ({@code PUBLIC KEY}: X.509, {@code
   * PRIVATE KEY}: PKCS#8), so a corrupt key stops the start in its configuration, not later in the
   * JWT library's first use of it. Other PEM types are left to that library.
   */
  public static void check(String variable, String pem) {
    Matcher block = PEM_BLOCK.matcher(pem);
    if (!block.find()) {
      throw new ConfigException(
          variable + ": expected a PEM block (-----BEGIN …----- … -----END …-----)");
    }
    String type = block.group(1);
    if (!type.equals("PUBLIC KEY") && !type.equals("PRIVATE KEY")) {
      return;
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(block.group(2));
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      if (type.equals("PUBLIC KEY")) {
        rsa.generatePublic(new X509EncodedKeySpec(der));
      } else {
        rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
      }
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new ConfigException(
          variable
              + ": expected an RSA "
              + type.toLowerCase(Locale.ROOT)
              + " in PEM, got one that does not decode");
    }
  }

  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([\\s\\S]*?)-----END \\1-----");

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
