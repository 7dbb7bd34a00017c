package dev.stockroom.common.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Compact JWS tokens signed by hand, as an identity provider or an attacker would make them. */
final class Jws {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Jws() {}

  static String rs256(KeyPair pair, String kid, JsonObject claims) {
    String signingInput = signingInput("RS256", kid, claims);
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(pair.getPrivate());
      rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64.encodeToString(rs256.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String hs256(String secret, String kid, JsonObject claims) {
    String signingInput = signingInput("HS256", kid, claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput
          + "."
          + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token that says it needs no signature ({@code "alg": "none"}), with the empty third part. */
  static String unsigned(JsonObject claims) {
    JsonObject header = new JsonObject().put("alg", "none").put("typ", "JWT");
    return B64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8))
        + "."
        + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8))
        + ".";
  }

  private static String signingInput(String alg, String kid, JsonObject claims) {
    JsonObject header = new JsonObject().put("alg", alg).put("typ", "JWT").put("kid", kid);
    return B64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8))
        + "."
        + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
  }
}
