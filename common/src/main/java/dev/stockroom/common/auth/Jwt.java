package dev.stockroom.common.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Stockroom JWT rules on top of vertx-auth-jwt: signature, {@code iss} and {@code aud} are
 * checked by the library; this adds that {@code exp}, {@code sub} and a {@code roles} array are
 * present, because a token without an expiry would be valid forever.
 */
public final class Jwt implements JWTAuth {
  public static final Set<String> KNOWN_ROLES = Set.of("admin", "stocker", "customer", "service");

  /** Where the roles found at {@code JWT_ROLES_CLAIM} are kept on the authenticated user. */
  private static final String ROLES_ATTRIBUTE = "stockroom.roles";

  private final JWTAuth delegate;
  private final JwksKeys jwks;
  private final JwtConfig config;
  private final Map<String, JWTAuth> serviceVerifiers;
  private final JWTAuth serviceSigner;
  // Clients send the same token with every request: verify its signature once, not each time.
  private final VerifiedTokens verified =
      new VerifiedTokens(10_000, Duration.ofSeconds(60), System::nanoTime);

  private Jwt(JWTAuth delegate, JwksKeys jwks, JwtConfig config, Vertx vertx) {
    this.delegate = delegate;
    this.jwks = jwks;
    this.config = config;
    if (jwks != null) {
      // A key the provider dropped must not live on in tokens verified with it.
      jwks.whenKeysDropped(verified::clear);
    }
    JWTOptions verification = verification(config);
    Map<String, JWTAuth> verifiers = new HashMap<>();
    config
        .serviceKeys()
        .verifying()
        .forEach(
            (kid, pem) -> verifiers.put(kid, JWTAuth.create(vertx, rs256(verification, kid, pem))));
    this.serviceVerifiers = Map.copyOf(verifiers);
    this.serviceSigner =
        config
            .serviceKeys()
            .signing()
            .map(s -> JWTAuth.create(vertx, rs256(verification, s.kid(), s.privateKeyPem())))
            .orElse(null);
  }

  private static JWTOptions verification(JwtConfig config) {
    return new JWTOptions()
        .setIssuer(config.issuer())
        .setAudience(List.of(config.audience()))
        .setLeeway(5);
  }

  private static JWTAuthOptions rs256(JWTOptions verification, String kid, String pem) {
    return new JWTAuthOptions()
        .setJWTOptions(verification)
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setId(kid).setBuffer(pem));
  }

  public static Jwt create(Vertx vertx, JwtConfig config) {
    JWTOptions verification = verification(config);
    if (config.jwksUrl().isPresent()) {
      JwksKeys keys =
          new JwksKeys(vertx, config.jwksUrl().get(), verification, config.jwksRefresh());
      keys.refetch(true);
      return new Jwt(null, keys, config, vertx);
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(verification);
    if ("HS256".equals(config.algorithm())) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.secret()));
    } else {
      String kid = config.keyId().orElse(null);
      options.addPubSecKey(
          new PubSecKeyOptions().setAlgorithm("RS256").setId(kid).setBuffer(config.publicKeyPem()));
      config
          .privateKeyPem()
          .ifPresent(
              pem ->
                  options.addPubSecKey(
                      new PubSecKeyOptions().setAlgorithm("RS256").setId(kid).setBuffer(pem)));
    }
    return new Jwt(JWTAuth.create(vertx, options), null, config, vertx);
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof TokenCredentials token)) {
      return verify(credentials);
    }
    User known = verified.get(token.getToken());
    if (known != null) {
      return Future.succeededFuture(known);
    }
    long generation = verified.generation();
    return verify(credentials)
        .onSuccess(
            user ->
                verified.put(
                    token.getToken(),
                    user,
                    ((Number) user.attributes().getValue("exp")).longValue(),
                    generation));
  }

  private Future<User> verify(Credentials credentials) {
    // A service key verifies alone, and only a service token of its own: never fall through to
    // the issuer's keys, and never grant more than the service role.
    if (!serviceVerifiers.isEmpty() && credentials instanceof TokenCredentials token) {
      String kid = JwksKeys.kidOf(token.getToken());
      JWTAuth serviceKey = kid == null ? null : serviceVerifiers.get(kid);
      if (serviceKey != null) {
        // The services mint their own tokens with top-level roles, whatever claim people's
        // tokens from an identity provider carry theirs in (JWT_ROLES_CLAIM).
        return serviceKey
            .authenticate(token)
            .compose(user -> requireStockroomClaims(user, SERVICE_ROLES))
            .compose(user -> serviceOnly(user, kid));
      }
    }
    Future<User> verified =
        jwks != null && credentials instanceof TokenCredentials token
            ? jwks.authenticate(token)
            : delegate == null
                ? TokenRejection.refuse("expected a bearer token")
                : delegate.authenticate(credentials);
    return verified.compose(
        user -> requireStockroomClaims(user, new ClaimPath(config.rolesClaim())));
  }

  private static final ClaimPath SERVICE_ROLES = new ClaimPath("roles");

  private Future<User> requireStockroomClaims(User user, ClaimPath rolesClaim) {
    if (!user.attributes().containsKey("exp")) {
      return TokenRejection.refuse("the exp claim is required");
    }
    if (user.subject() == null || user.subject().isBlank()) {
      return TokenRejection.refuse("the sub claim is required");
    }
    Object roles = rolesClaim.in(user.principal());
    if (!(roles instanceof JsonArray array)) {
      return TokenRejection.refuse("the roles claim (" + rolesClaim.path() + ") must be an array");
    }
    return Future.succeededFuture(caller(user.subject(), array, user.attributes().getValue("exp")));
  }

  /**
   * What the platform reads of a verified token, and nothing else: its subject, roles and expiry.
   * The provider's user carries every claim twice (principal and decoded token), about 2.4 KB of
   * heap per token; the verified-token cache holds up to 10,000 of them, which was the largest part
   * of a service's live heap under many clients.
   */
  private static User caller(String subject, JsonArray roles, Object exp) {
    JsonArray names = new JsonArray(new ArrayList<>(roles.size()));
    roles.forEach(role -> names.add(String.valueOf(role)));
    return User.create(
        new JsonObject().put("sub", canonicalSubject(subject)),
        new JsonObject().put("exp", exp).put(ROLES_ATTRIBUTE, names));
  }

  private static final Pattern PERSON_ID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /**
   * A person's id in one spelling (lower case, as the services write ids): a subject in capitals is
   * the same person, and what is kept per caller (an order's idempotency key) must find it.
   */
  static String canonicalSubject(String subject) {
    return PERSON_ID.matcher(subject).matches() ? subject.toLowerCase(Locale.ROOT) : subject;
  }

  private static Future<User> serviceOnly(User user, String kid) {
    if (!roles(user).equals(Set.of("service")) || !kid.equals(user.subject())) {
      return TokenRejection.refuse(
          "key '"
              + kid
              + "' signs only service tokens with sub '"
              + kid
              + "' and the single role service");
    }
    user.attributes().put(SERVICE_KEY_ATTRIBUTE, kid);
    return Future.succeededFuture(user);
  }

  private static final String SERVICE_KEY_ATTRIBUTE = "stockroom.serviceKey";

  /**
   * The service whose own key signed this token ({@code JWT_SERVICE_KEYS}); empty for people's
   * tokens and for service tokens from an identity provider.
   */
  public static Optional<String> serviceKeyOf(User user) {
    return Optional.ofNullable(user.attributes().getString(SERVICE_KEY_ATTRIBUTE));
  }

  /** Whether this service has a key of its own for its service tokens (SERVICE_SIGNING_KEY). */
  public boolean hasServiceKey() {
    return serviceSigner != null;
  }

  /** A {@code service} token signed with this service's own key; {@code sub} is its kid. */
  public String mintServiceToken(Duration ttl) {
    if (serviceSigner == null) {
      throw new IllegalStateException("no SERVICE_SIGNING_KEY");
    }
    ServiceKeys.Signing signing = config.serviceKeys().signing().orElseThrow();
    return serviceSigner.generateToken(
        SERVICE_ROLES.with(new JsonArray().add("service")),
        new JWTOptions()
            .setAlgorithm("RS256")
            .setHeader(new JsonObject().put("kid", signing.kid()))
            .setIssuer(config.issuer())
            .setAudience(List.of(config.audience()))
            .setSubject(signing.kid())
            .setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttl.toSeconds())));
  }

  /** Mints a token; needs the HS256 secret or the RS256 private key. */
  public String mint(String subject, List<String> roles, Duration ttl) {
    if (!config.canMint() || delegate == null) {
      throw new IllegalStateException(
          "minting tokens needs JWT_SECRET or JWT_PRIVATE_KEY; with JWT_JWKS_URL the identity"
              + " provider issues them");
    }
    // At the claim people's roles are read from (JWT_ROLES_CLAIM), nested when it is a path.
    JsonObject claims = new ClaimPath(config.rolesClaim()).with(new JsonArray(List.copyOf(roles)));
    return delegate.generateToken(
        claims,
        new JWTOptions()
            .setAlgorithm(config.algorithm())
            .setIssuer(config.issuer())
            .setAudience(List.of(config.audience()))
            .setSubject(subject)
            .setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttl.toSeconds())));
  }

  @Override
  public String generateToken(JsonObject claims, JWTOptions options) {
    return minter().generateToken(claims, options);
  }

  @Override
  public String generateToken(JsonObject claims) {
    return minter().generateToken(claims);
  }

  private JWTAuth minter() {
    if (delegate == null) {
      throw new IllegalStateException("with JWT_JWKS_URL the identity provider issues tokens");
    }
    return delegate;
  }

  /** The roles of an authenticated user, from the configured claim (empty when absent). */
  public static Set<String> roles(User user) {
    return Set.copyOf(roleNames(user).stream().map(String::valueOf).toList());
  }

  /** Whether the user has one of these roles; per request, so without building sets. */
  public static boolean hasAnyRole(User user, JsonArray wanted) {
    JsonArray names = roleNames(user);
    for (int i = 0; i < names.size(); i++) {
      String name = String.valueOf(names.getValue(i));
      for (int j = 0; j < wanted.size(); j++) {
        if (name.equals(String.valueOf(wanted.getValue(j)))) {
          return true;
        }
      }
    }
    return false;
  }

  private static JsonArray roleNames(User user) {
    JsonArray roles = user.attributes().getJsonArray(ROLES_ATTRIBUTE);
    return roles != null ? roles : user.principal().getJsonArray("roles", new JsonArray());
  }
}
