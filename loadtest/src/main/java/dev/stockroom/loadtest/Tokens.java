package dev.stockroom.loadtest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints HS256 tokens the way the services verify them (iss = aud = stockroom, sub, roles, exp),
 * without Vert.x, so the Gatling JVM can mint thousands of per-customer tokens at start.
 */
public final class Tokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER =
      B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final SecretKeySpec key;
  private final Duration ttl;

  public Tokens(String secret, Duration ttl) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.ttl = ttl;
  }

  public String mint(String subject, String... roles) {
    long now = Instant.now().getEpochSecond();
    String rolesJson =
        List.of(roles).stream()
            .map(r -> "\"" + r + "\"")
            .collect(Collectors.joining(",", "[", "]"));
    String claims =
        "{\"iss\":\"stockroom\",\"aud\":\"stockroom\",\"sub\":\""
            + subject
            + "\",\"roles\":"
            + rolesJson
            + ",\"iat\":"
            + now
            + ",\"exp\":"
            + (now + ttl.toSeconds())
            + "}";
    String payload = B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    String signingInput = HEADER + "." + payload;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return signingInput
          + "."
          + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String bearer(String subject, String... roles) {
    return "Bearer " + mint(subject, roles);
  }
}
