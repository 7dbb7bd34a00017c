package dev.stockroom.common.auth;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * How tokens are verified (and, for operators, minted): HS256 with a shared secret in dev, RS256
 * with a PEM key pair, or the keys an identity provider publishes as a JWKS ({@code JWT_JWKS_URL},
 * e.g. Keycloak's {@code .../protocol/openid-connect/certs}). Outside dev mode the well-known dev
 * secret and "no key" both stop the start.
 *
 * @param privateKeyPem only needed to mint RS256 tokens (the launcher's {@code token} command)
 * @param jwksUrl where the provider publishes its keys; set, it is the only key source
 * @param issuer the {@code iss} every token must carry ({@code JWT_ISSUER})
 * @param audience one of the token's {@code aud} values ({@code JWT_AUDIENCE})
 * @param rolesClaim where the roles array is, as a dotted path ({@code JWT_ROLES_CLAIM}, e.g.
 *     {@code realm_access.roles} for Keycloak)
 * @param keyId the {@code kid} of the RS256 key pair ({@code JWT_KEY_ID}), put into minted tokens
 * @param serviceKeys keys that sign nothing but {@code service} tokens ({@link ServiceKeys})
 * @param jwksRefresh how often the JWKS is read again anyway ({@code JWT_JWKS_REFRESH}): a key the
 *     provider dropped stops verifying tokens then
 */
public record JwtConfig(
    String algorithm,
    String secret,
    String publicKeyPem,
    Optional<String> privateKeyPem,
    Optional<URI> jwksUrl,
    String issuer,
    String audience,
    String rolesClaim,
    Optional<String> keyId,
    ServiceKeys serviceKeys,
    Duration jwksRefresh) {

  /** The secret every dev setup shares; never accepted outside {@code STOCKROOM_ENV=dev}. */
  public static final String DEV_SECRET = "stockroom-dev-secret-not-for-production-0123456789";

  public static final String ISSUER = "stockroom";
  public static final String AUDIENCE = "stockroom";

  public static JwtConfig from(Env env, boolean devMode) {
    return keySource(env, devMode).withServiceKeys(ServiceKeys.from(env));
  }

  private static boolean isLoopback(String host) {
    return host != null
        && (host.equalsIgnoreCase("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
  }

  private static JwtConfig keySource(Env env, boolean devMode) {
    String issuer = env.string("JWT_ISSUER", ISSUER);
    String audience = env.string("JWT_AUDIENCE", AUDIENCE);
    String rolesClaim = env.string("JWT_ROLES_CLAIM", "roles");
    if (!rolesClaim.matches("[A-Za-z0-9_:-]+(\\.[A-Za-z0-9_:-]+)*")) {
      throw new ConfigException(
          "JWT_ROLES_CLAIM: expected a claim name or a dotted path such as realm_access.roles, got '"
              + rolesClaim
              + "'");
    }
    if (env.optional("JWT_JWKS_URL").isPresent()) {
      URI jwks = env.uri("JWT_JWKS_URL", null, "https", "http");
      if (!devMode && jwks.getScheme().equalsIgnoreCase("http") && !isLoopback(jwks.getHost())) {
        // Keys fetched in the clear can be replaced on the way, and with them every token.
        throw new ConfigException(
            "JWT_JWKS_URL: expected https outside dev (plain http only to this machine), got '"
                + jwks
                + "'");
      }
      return new JwtConfig(
          "JWKS",
          null,
          null,
          Optional.empty(),
          Optional.of(jwks),
          issuer,
          audience,
          rolesClaim,
          Optional.empty(),
          ServiceKeys.NONE,
          env.durationAtLeast(
              "JWT_JWKS_REFRESH",
              Duration.ofMinutes(1),
              Duration.ofSeconds(1),
              "the provider would be asked for its keys more than once a second"));
    }
    Optional<String> publicKey = env.pem("JWT_PUBLIC_KEY");
    Optional<String> privateKey = env.pem("JWT_PRIVATE_KEY");
    publicKey.ifPresent(pem -> RsaKeys.check("JWT_PUBLIC_KEY", pem));
    privateKey.ifPresent(pem -> RsaKeys.check("JWT_PRIVATE_KEY", pem));
    if (publicKey.isPresent()) {
      return new JwtConfig(
          "RS256",
          null,
          publicKey.get(),
          privateKey,
          Optional.empty(),
          issuer,
          audience,
          rolesClaim,
          env.optional("JWT_KEY_ID"),
          ServiceKeys.NONE,
          Duration.ZERO);
    }
    Optional<String> secret = env.optional("JWT_SECRET");
    if (secret.isEmpty()) {
      if (devMode) {
        return hs256(DEV_SECRET, issuer, audience, rolesClaim);
      }
      throw new ConfigException(
          "JWT_JWKS_URL (an identity provider's keys), JWT_PUBLIC_KEY (RS256, PEM) or"
              + " JWT_SECRET (HS256, at least 32 bytes) is required outside dev mode"
              + " (STOCKROOM_ENV is not 'dev')");
    }
    if (!devMode && DEV_SECRET.equals(secret.get())) {
      throw new ConfigException(
          "JWT_SECRET: the dev secret is refused outside dev mode (STOCKROOM_ENV is not 'dev');"
              + " set a secret of your own or JWT_PUBLIC_KEY");
    }
    if (secret.get().getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new ConfigException("JWT_SECRET: expected at least 32 bytes, got fewer");
    }
    return hs256(secret.get(), issuer, audience, rolesClaim);
  }

  private static JwtConfig hs256(String secret, String issuer, String audience, String roles) {
    return new JwtConfig(
        "HS256",
        secret,
        null,
        Optional.empty(),
        Optional.empty(),
        issuer,
        audience,
        roles,
        Optional.empty(),
        ServiceKeys.NONE,
        Duration.ZERO);
  }

  public static JwtConfig hs256(String secret) {
    return hs256(secret, ISSUER, AUDIENCE, "roles");
  }

  public JwtConfig withServiceKeys(ServiceKeys keys) {
    return new JwtConfig(
        algorithm,
        secret,
        publicKeyPem,
        privateKeyPem,
        jwksUrl,
        issuer,
        audience,
        rolesClaim,
        keyId,
        keys,
        jwksRefresh);
  }

  public boolean canMint() {
    return secret != null || privateKeyPem.isPresent();
  }
}
