package dev.stockroom.common.auth;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * How tokens are verified (and, for operators, minted): HS256 with a shared secret in dev, RS256
 * with a PEM key pair in production. Outside dev mode the well-known dev secret and "no key" both
 * stop the start.
 *
 * @param privateKeyPem only needed to mint RS256 tokens (the launcher's {@code token} command)
 */
public record JwtConfig(
    String algorithm, String secret, String publicKeyPem, Optional<String> privateKeyPem) {

  /** The secret every dev setup shares; never accepted outside {@code STOCKROOM_ENV=dev}. */
  public static final String DEV_SECRET = "stockroom-dev-secret-not-for-production-0123456789";

  public static final String ISSUER = "stockroom";
  public static final String AUDIENCE = "stockroom";

  public static JwtConfig from(Env env, boolean devMode) {
    Optional<String> publicKey = env.pem("JWT_PUBLIC_KEY");
    Optional<String> privateKey = env.pem("JWT_PRIVATE_KEY");
    if (publicKey.isPresent()) {
      return new JwtConfig("RS256", null, publicKey.get(), privateKey);
    }
    Optional<String> secret = env.optional("JWT_SECRET");
    if (secret.isEmpty()) {
      if (devMode) {
        return hs256(DEV_SECRET);
      }
      throw new ConfigException(
          "JWT_PUBLIC_KEY (RS256, PEM) or JWT_SECRET (HS256, at least 32 bytes) is required"
              + " outside dev mode (STOCKROOM_ENV is not 'dev')");
    }
    if (!devMode && DEV_SECRET.equals(secret.get())) {
      throw new ConfigException(
          "JWT_SECRET: the dev secret is refused outside dev mode (STOCKROOM_ENV is not 'dev');"
              + " set a secret of your own or JWT_PUBLIC_KEY");
    }
    if (secret.get().getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new ConfigException("JWT_SECRET: expected at least 32 bytes, got fewer");
    }
    return hs256(secret.get());
  }

  public static JwtConfig hs256(String secret) {
    return new JwtConfig("HS256", secret, null, Optional.empty());
  }

  public boolean canMint() {
    return secret != null || privateKeyPem.isPresent();
  }
}
