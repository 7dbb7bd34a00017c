package dev.stockroom.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tokens from an identity provider: a local JWKS endpoint (as Keycloak serves one), Keycloak-shaped
 * tokens (roles under {@code realm_access.roles}, the provider's issuer and audience), and a key
 * rotation while the service runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Tokens from an identity provider's JWKS")
class JwksTest {
  private static final String ISSUER = "https://idp.example/realms/stockroom";
  private static final String AUDIENCE = "stockroom-api";
  private final Vertx vertx = Vertx.vertx();
  private final List<JsonObject> published = new CopyOnWriteArrayList<>();
  private final KeyPair first = rsa();
  private final KeyPair second = rsa();
  private RunningService service;
  private TestHttp http;

  @BeforeAll
  void start() {
    published.add(jwk(first, "key-1"));
    service = serviceTrusting(jwks(published, new AtomicInteger()));
    http = new TestHttp(service.port());
  }

  /** A JWKS endpoint publishing {@code keys} as they are when asked; counts the answers. */
  private HttpServer jwks(List<JsonObject> keys, AtomicInteger fetches) {
    return TestServices.await(
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.response()
                        .endHandler(v -> fetches.incrementAndGet())
                        .putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("keys", new JsonArray(keys)).encode()))
            .listen(0),
        Duration.ofSeconds(5));
  }

  /** A service trusting the provider at {@code jwks}, with Keycloak's claims. */
  private static RunningService serviceTrusting(HttpServer jwks) {
    return serviceTrusting(jwks, Map.of());
  }

  private static RunningService serviceTrusting(HttpServer jwks, Map<String, String> more) {
    Map<String, String> env = TestServices.env("jwks");
    env.putAll(more);
    env.remove("JWT_SECRET");
    env.put("JWT_JWKS_URL", "http://localhost:" + jwks.actualPort() + "/certs");
    env.put("JWT_ISSUER", ISSUER);
    env.put("JWT_AUDIENCE", AUDIENCE);
    env.put("JWT_ROLES_CLAIM", "realm_access.roles");
    return TestServices.start(PlatformTestService::start, env);
  }

  @AfterAll
  void stop() {
    TestServices.stop(service);
    vertx.close();
  }

  @Test
  @DisplayName("a Keycloak-shaped token is accepted, with the roles at realm_access.roles")
  void keycloakShaped() {
    TestHttp.Reply reply = http.get("/things/999999", token(first, "key-1", claims("admin")));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
    TestHttp.Reply wrongRole =
        http.get("/things/999999", token(first, "key-1", claims("customer")));
    assertThat(wrongRole.status()).as(wrongRole.toString()).isEqualTo(403);
  }

  @Test
  @DisplayName("the wrong issuer or audience, or roles not at the configured path, are 401")
  void claimsChecked() {
    assertThat(
            http.get("/things/1", token(first, "key-1", claims("admin").put("iss", "mallory")))
                .status())
        .isEqualTo(401);
    assertThat(
            http.get("/things/1", token(first, "key-1", claims("admin").put("aud", "elsewhere")))
                .status())
        .isEqualTo(401);
    JsonObject topLevelRoles = claims("admin");
    topLevelRoles.remove("realm_access");
    topLevelRoles.put("roles", new JsonArray().add("admin"));
    assertThat(http.get("/things/1", token(first, "key-1", topLevelRoles)).status()).isEqualTo(401);
  }

  @Test
  @DisplayName(
      "after a key rotation at the provider, tokens signed with the new key are accepted without a restart; a key it never published is not")
  void rotation() {
    KeyPair stranger = rsa();
    assertThat(http.get("/things/999999", token(stranger, "key-x", claims("admin"))).status())
        .isEqualTo(401);

    // Providers publish the next key beside the current one before they sign with it.
    published.add(jwk(second, "key-2"));
    String rotated = token(second, "key-2", claims("admin"));
    // The stranger's kid fetched the keys just now: refetches are at most every 5 s.
    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () -> assertThat(http.get("/things/999999", rotated).status()).isEqualTo(404));
    assertThat(http.get("/things/999999", token(first, "key-1", claims("admin"))).status())
        .isEqualTo(404);
  }

  @Test
  @DisplayName(
      "a key the provider drops stops verifying at the next refresh: new tokens and ones verified"
          + " with it before")
  void droppedKey() {
    List<JsonObject> keys = new CopyOnWriteArrayList<>(List.of(jwk(first, "key-1")));
    keys.add(jwk(second, "key-2"));
    HttpServer provider = jwks(keys, new AtomicInteger());
    RunningService refreshing = serviceTrusting(provider, Map.of("JWT_JWKS_REFRESH", "PT1S"));
    try {
      TestHttp client = new TestHttp(refreshing.port());
      String verifiedBefore = token(first, "key-1", claims("admin"));
      assertThat(client.get("/things/999999", verifiedBefore).status()).isEqualTo(404);

      keys.remove(0);
      Eventually.assertWithin(
          Duration.ofSeconds(5),
          () -> {
            assertThat(
                    client.get("/things/999999", token(first, "key-1", claims("admin"))).status())
                .as("a new token signed with the dropped key")
                .isEqualTo(401);
            assertThat(client.get("/things/999999", verifiedBefore).status())
                .as("a token verified with it before")
                .isEqualTo(401);
          });
      assertThat(client.get("/things/999999", token(second, "key-2", claims("admin"))).status())
          .isEqualTo(404);
    } finally {
      TestServices.stop(refreshing);
      provider.close();
    }
  }

  @Test
  @DisplayName(
      "a JWKS with no key that verifies signatures (empty, encryption only, a published secret)"
          + " makes no token pass, an unsigned one least of all, and a later good answer restores"
          + " the keys")
  void noUsableKey() {
    List<JsonObject> keys = new CopyOnWriteArrayList<>();
    AtomicInteger fetches = new AtomicInteger();
    HttpServer jwks = jwks(keys, fetches);
    // Fetched every second (the least JWT_JWKS_REFRESH allows) instead of waiting 5 s between
    // the fetches an unknown kid asks for (those are rotation()'s).
    RunningService bare = serviceTrusting(jwks, Map.of("JWT_JWKS_REFRESH", "PT1S"));
    try {
      TestHttp client = new TestHttp(bare.port());
      KeyPair anyone = rsa();
      List<List<JsonObject>> answers =
          List.of(
              List.of(),
              List.of(jwk(first, "enc-only").put("use", "enc")),
              // A JWKS is public: a symmetric key in it would let anyone sign.
              List.of(
                  new JsonObject()
                      .put("kty", "oct")
                      .put("kid", "oct-1")
                      .put("alg", "HS256")
                      .put("k", "c2VjcmV0LXB1Ymxpc2hlZC1mb3ItYWxsLXRvLXNlZQ")));
      for (List<JsonObject> answer : answers) {
        keys.clear();
        keys.addAll(answer);
        // Each answer fetched before its tokens are tried.
        int before = fetches.get();
        String unknownKid = token(anyone, "kid-" + before, claims("admin"));
        Eventually.assertWithin(
            Duration.ofSeconds(10),
            () -> {
              assertThat(client.get("/things/999999", unknownKid).status()).isEqualTo(401);
              assertThat(fetches.get()).isGreaterThan(before);
            });
        for (String token :
            List.of(
                Jws.unsigned(claims("admin")),
                Jws.unsigned(claims("admin")) + "AAAA",
                token(anyone, "enc-only", claims("admin")),
                Jws.hs256("secret-published-for-all-to-see", "oct-1", claims("admin")))) {
          TestHttp.Reply reply = client.get("/things/999999", token);
          assertThat(reply.status()).as(answer + " " + token + ": " + reply).isEqualTo(401);
        }
      }
      keys.clear();
      keys.add(jwk(second, "key-2"));
      String good = token(second, "key-2", claims("admin"));
      Eventually.assertWithin(
          Duration.ofSeconds(10),
          () -> assertThat(client.get("/things/999999", good).status()).isEqualTo(404));
      assertThat(client.get("/things/999999", Jws.unsigned(claims("admin"))).status())
          .isEqualTo(401);
    } finally {
      TestServices.stop(bare);
      jwks.close();
    }
  }

  private static JsonObject claims(String role) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject()
        .put("iss", ISSUER)
        .put("aud", new JsonArray().add(AUDIENCE).add("account"))
        .put("sub", "f0e2c9a4-6b7f-4d6e-9a51-2d5c1f1b7e10")
        .put("iat", now)
        .put("exp", now + 300)
        .put("preferred_username", "ada")
        .put("realm_access", new JsonObject().put("roles", new JsonArray().add(role)));
  }

  private static KeyPair rsa() {
    return RsaKeys.generate();
  }

  private static JsonObject jwk(KeyPair pair, String kid) {
    return RsaKeys.jwk(pair, kid);
  }

  private static String token(KeyPair pair, String kid, JsonObject claims) {
    return Jws.rs256(pair, kid, claims);
  }
}
