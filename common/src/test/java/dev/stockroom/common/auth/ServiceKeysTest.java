package dev.stockroom.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-service signing keys: a service key signs the caller's own {@code service} token and nothing
 * else — no admin, no other subject, no fallback to the issuer's keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Service keys sign service tokens only")
class ServiceKeysTest {
  private final Vertx vertx = Vertx.vertx();
  private final KeyPair inventory = RsaKeys.generate();
  private final KeyPair stranger = RsaKeys.generate();
  private final KeyPair orders = RsaKeys.generate();
  private Path keys;
  private RunningService service;
  private TestHttp http;

  @BeforeAll
  void start() throws IOException {
    keys = Files.createTempDirectory("stockroom-service-keys-");
    Files.writeString(keys.resolve("inventory.pem"), RsaKeys.publicPem(inventory));
    Files.writeString(keys.resolve("orders.pem"), RsaKeys.publicPem(orders));
    Map<String, String> env = TestServices.env("servicekeys");
    env.put("JWT_SERVICE_KEYS", keys.toString());
    service = TestServices.start(PlatformTestService::start, env);
    http = new TestHttp(service.port());
  }

  @AfterAll
  void stop() {
    TestServices.stop(service);
    vertx.close();
  }

  @Test
  @DisplayName("the caller's own service token, minted with SERVICE_SIGNING_KEY, is accepted")
  void ownServiceTokenAccepted() {
    Jwt signer = signer(inventory, "inventory");
    String token = signer.mintServiceToken(Duration.ofMinutes(5));
    TestHttp.Reply reply = http.get("/things/999999", token);
    assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
    // The same token on an admin-only operation: the service role is all it carries.
    assertThat(
            http.post("/things", token, new JsonObject().put("name", "x").put("count", 1)).status())
        .isEqualTo(403);
  }

  @Test
  @DisplayName(
      "with people's roles read from an identity provider's claim (JWT_ROLES_CLAIM), service"
          + " tokens still carry theirs where the services mint them")
  void serviceTokensBesideAProvidersRolesClaim() {
    Map<String, String> env = TestServices.env("servicekeys_claim");
    env.put("JWT_SERVICE_KEYS", keys.toString());
    env.put("JWT_ROLES_CLAIM", "realm_access.roles");
    RunningService keycloakShaped = TestServices.start(PlatformTestService::start, env);
    try {
      TestHttp.Reply reply =
          new TestHttp(keycloakShaped.port())
              .get("/things/999999", inventorySigner().mintServiceToken(Duration.ofMinutes(5)));
      assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
    } finally {
      TestServices.stop(keycloakShaped);
    }
  }

  private Jwt inventorySigner() {
    return signer(inventory, "inventory");
  }

  /** What a service signs its own calls with: its key (SERVICE_SIGNING_KEY) and kid. */
  private Jwt signer(KeyPair key, String kid) {
    return Jwt.create(
        vertx,
        JwtConfig.from(
            new Env(
                Map.of(
                    "STOCKROOM_ENV",
                    "dev",
                    "SERVICE_SIGNING_KEY",
                    RsaKeys.privatePem(key),
                    "SERVICE_SIGNING_KID",
                    kid)),
            true));
  }

  @Test
  @DisplayName(
      "a service's own token reaches only the operations that list that service in x-callers: a"
          + " stolen orders key cannot do what only inventory may")
  void callersListedPerOperation() {
    Jwt ordersSigner = signer(orders, "orders");
    TestHttp.Reply refused =
        http.get("/things/999999", ordersSigner.mintServiceToken(Duration.ofMinutes(5)));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
    assertThat(refused.json().getString("detail")).contains("[inventory]").contains("orders");
    assertThat(
            http.get("/things/999999", inventorySigner().mintServiceToken(Duration.ofMinutes(5)))
                .status())
        .isEqualTo(404);
  }

  @Test
  @DisplayName("an admin token signed with a service's key is refused")
  void adminWithServiceKeyRefused() {
    TestHttp.Reply reply =
        http.get("/things/999999", Jws.rs256(inventory, "inventory", claims("inventory", "admin")));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
    assertThat(
            http.get(
                    "/things/999999",
                    Jws.rs256(inventory, "inventory", claims("inventory", "service", "admin")))
                .status())
        .isEqualTo(401);
  }

  @Test
  @DisplayName("a service key cannot speak for another subject")
  void otherSubjectRefused() {
    assertThat(
            http.get(
                    "/things/999999",
                    Jws.rs256(inventory, "inventory", claims("orders", "service")))
                .status())
        .isEqualTo(401);
  }

  @Test
  @DisplayName(
      "a token naming a service key's kid is verified with that key alone: another key, or the"
          + " issuer's secret, does not pass")
  void kidPinsTheKey() {
    assertThat(
            http.get(
                    "/things/999999",
                    Jws.rs256(stranger, "inventory", claims("inventory", "service")))
                .status())
        .isEqualTo(401);
    assertThat(
            http.get(
                    "/things/999999",
                    Jws.hs256(JwtConfig.DEV_SECRET, "inventory", claims("inventory", "admin")))
                .status())
        .isEqualTo(401);
    // The issuer's key still verifies tokens that do not name a service key.
    assertThat(
            http.get(
                    "/things/999999",
                    Jws.hs256(JwtConfig.DEV_SECRET, "issuer", claims("dev-admin", "admin")))
                .status())
        .isEqualTo(404);
  }

  @Test
  @DisplayName("bad service-key settings stop the start with one line naming the variable")
  void configErrors(@TempDir Path empty) throws IOException {
    assertThatThrownBy(() -> ServiceKeys.from(new Env(Map.of("JWT_SERVICE_KEYS", "/nonexistent"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("JWT_SERVICE_KEYS");
    assertThatThrownBy(
            () -> ServiceKeys.from(new Env(Map.of("JWT_SERVICE_KEYS", empty.toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no <kid>.pem");
    Files.writeString(empty.resolve("orders.pem"), RsaKeys.privatePem(stranger));
    assertThatThrownBy(
            () -> ServiceKeys.from(new Env(Map.of("JWT_SERVICE_KEYS", empty.toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not a PEM public key");
    assertThatThrownBy(
            () ->
                ServiceKeys.from(
                    new Env(Map.of("SERVICE_SIGNING_KEY", RsaKeys.privatePem(inventory)))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SERVICE_SIGNING_KID");
  }

  private static JsonObject claims(String subject, String... roles) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject()
        .put("iss", JwtConfig.ISSUER)
        .put("aud", JwtConfig.AUDIENCE)
        .put("sub", subject)
        .put("iat", now)
        .put("exp", now + 300)
        .put("roles", new JsonArray(java.util.List.of((Object[]) roles)));
  }
}
