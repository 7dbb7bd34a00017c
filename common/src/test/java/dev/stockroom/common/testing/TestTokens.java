package dev.stockroom.common.testing;

import dev.stockroom.common.auth.JwtConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds HS256 tokens by hand, independently of the code under test, including the broken ones
 * (wrong signature, expired, wrong audience) the auth tests need.
 */
public final class TestTokens {
  private TestTokens() {}

  public static String admin() {
    return forRoles("admin-1", "admin");
  }

  public static String service() {
    return forRoles("orders", "service");
  }

  public static String forRoles(String sub, String... roles) {
    return sign(claims(sub, roles), JwtConfig.DEV_SECRET);
  }

  public static JsonObject claims(String sub, String... roles) {
    return new JsonObject()
        .put("iss", JwtConfig.ISSUER)
        .put("aud", JwtConfig.AUDIENCE)
        .put("sub", sub)
        .put("roles", new JsonArray(List.of(roles)))
        .put("iat", Instant.now().getEpochSecond())
        .put("exp", Instant.now().plusSeconds(3600).getEpochSecond());
  }

  public static String sign(JsonObject claims, String secret) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        b64.encodeToString(
            new JsonObject()
                .put("alg", "HS256")
                .put("typ", "JWT")
                .encode()
                .getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] signature = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.UTF_8));
      return header + "." + payload + "." + b64.encodeToString(signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
