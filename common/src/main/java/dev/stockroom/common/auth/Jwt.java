package dev.stockroom.common.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The Stockroom JWT rules on top of vertx-auth-jwt: signature, {@code iss} and {@code aud} are
 * checked by the library; this adds that {@code exp}, {@code sub} and a {@code roles} array are
 * present, because a token without an expiry would be valid forever.
 */
public final class Jwt implements JWTAuth {
  public static final Set<String> KNOWN_ROLES = Set.of("admin", "stocker", "customer", "service");

  private final JWTAuth delegate;
  private final JwtConfig config;

  private Jwt(JWTAuth delegate, JwtConfig config) {
    this.delegate = delegate;
    this.config = config;
  }

  public static Jwt create(Vertx vertx, JwtConfig config) {
    JWTAuthOptions options =
        new JWTAuthOptions()
            .setJWTOptions(
                new JWTOptions()
                    .setIssuer(JwtConfig.ISSUER)
                    .setAudience(List.of(JwtConfig.AUDIENCE))
                    .setLeeway(5));
    if ("HS256".equals(config.algorithm())) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.secret()));
    } else {
      options.addPubSecKey(
          new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(config.publicKeyPem()));
      config
          .privateKeyPem()
          .ifPresent(
              pem ->
                  options.addPubSecKey(
                      new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem)));
    }
    return new Jwt(JWTAuth.create(vertx, options), config);
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    return delegate.authenticate(credentials).compose(Jwt::requireStockroomClaims);
  }

  private static Future<User> requireStockroomClaims(User user) {
    if (!user.attributes().containsKey("exp")) {
      return Future.failedFuture("Invalid JWT: the exp claim is required");
    }
    if (user.subject() == null || user.subject().isBlank()) {
      return Future.failedFuture("Invalid JWT: the sub claim is required");
    }
    if (!(user.principal().getValue("roles") instanceof JsonArray)) {
      return Future.failedFuture("Invalid JWT: the roles claim must be an array");
    }
    return Future.succeededFuture(user);
  }

  /** Mints a token; needs the HS256 secret or the RS256 private key. */
  public String mint(String subject, List<String> roles, Duration ttl) {
    if (!config.canMint()) {
      throw new IllegalStateException("minting RS256 tokens needs JWT_PRIVATE_KEY");
    }
    JsonObject claims = new JsonObject().put("roles", new JsonArray(List.copyOf(roles)));
    return delegate.generateToken(
        claims,
        new JWTOptions()
            .setAlgorithm(config.algorithm())
            .setIssuer(JwtConfig.ISSUER)
            .setAudience(List.of(JwtConfig.AUDIENCE))
            .setSubject(subject)
            .setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttl.toSeconds())));
  }

  @Override
  public String generateToken(JsonObject claims, JWTOptions options) {
    return delegate.generateToken(claims, options);
  }

  @Override
  public String generateToken(JsonObject claims) {
    return delegate.generateToken(claims);
  }

  /** The roles claim of an authenticated user (empty when absent). */
  public static Set<String> roles(User user) {
    JsonArray roles = user.principal().getJsonArray("roles", new JsonArray());
    return Set.copyOf(roles.stream().map(String::valueOf).toList());
  }
}
