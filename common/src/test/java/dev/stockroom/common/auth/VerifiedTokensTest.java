package dev.stockroom.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Verified tokens are remembered until their exp, at most a minute, and bounded")
class VerifiedTokensTest {
  private static final Vertx VERTX = Vertx.vertx();
  private final AtomicLong clock = new AtomicLong();

  @AfterAll
  static void close() {
    VERTX.close();
  }

  private static User user() {
    return User.fromName("someone");
  }

  /** A cache of {@code capacity} entries, at most 60 s each, on the test's clock. */
  private VerifiedTokens tokens(int capacity) {
    return new VerifiedTokens(capacity, Duration.ofSeconds(60), clock::get);
  }

  private static long inSeconds(long seconds) {
    return System.currentTimeMillis() / 1000 + seconds;
  }

  @Test
  @DisplayName("an entry ends at maxAge even when the token lives longer")
  void maxAge() {
    VerifiedTokens tokens = tokens(10);
    User user = user();
    tokens.put("t", user, inSeconds(3600));
    assertThat(tokens.get("t")).isSameAs(user);
    clock.addAndGet(Duration.ofSeconds(59).toNanos());
    assertThat(tokens.get("t")).isSameAs(user);
    clock.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(tokens.get("t")).isNull();
  }

  @Test
  @DisplayName("an entry ends at the token's exp when that comes first; an expired one is not kept")
  void exp() {
    VerifiedTokens tokens = tokens(10);
    tokens.put("soon", user(), inSeconds(10));
    clock.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(tokens.get("soon")).isNull();
    tokens.put("gone", user(), inSeconds(-1));
    assertThat(tokens.get("gone")).isNull();
  }

  @Test
  @DisplayName("never holds more than its capacity")
  void bounded() {
    VerifiedTokens tokens = tokens(100);
    for (int i = 0; i < 1000; i++) {
      tokens.put("t" + i, user(), inSeconds(3600));
      assertThat(tokens.size()).isLessThanOrEqualTo(100);
    }
  }

  @Test
  @DisplayName("held by digest: only the same text finds an entry, whatever its characters")
  void digestKeys() {
    VerifiedTokens tokens = tokens(10);
    User user = user();
    tokens.put("header.payload.sig?", user, inSeconds(3600));
    assertThat(tokens.get("header.payload.sig?")).isSameAs(user);
    assertThat(tokens.get("header.payload.sig\u20ac")).isNull();
    assertThat(tokens.get("header.payload.sig")).isNull();
  }

  @Test
  @DisplayName(
      "a token minted here carries its roles where JWT_ROLES_CLAIM says, so it verifies here")
  void mintedAtTheRolesClaim() {
    Jwt jwt =
        Jwt.create(
            VERTX,
            JwtConfig.from(
                new Env(
                    Map.of(
                        "STOCKROOM_ENV", "dev",
                        "JWT_SECRET", JwtConfig.DEV_SECRET,
                        "JWT_ROLES_CLAIM", "realm_access.roles")),
                true));
    String token = jwt.mint("kim", List.of("stocker"), Duration.ofMinutes(5));
    User user =
        TestServices.await(jwt.authenticate(new TokenCredentials(token)), Duration.ofSeconds(5));
    assertThat(Jwt.roles(user)).containsExactly("stocker");
  }

  @Test
  @DisplayName("Jwt verifies a token once and answers the same user again; a bad token never")
  void jwtRemembers() {
    Jwt jwt = Jwt.create(VERTX, JwtConfig.hs256(JwtConfig.DEV_SECRET));
    String token = jwt.mint("kim", List.of("stocker"), Duration.ofMinutes(5));
    User first =
        TestServices.await(jwt.authenticate(new TokenCredentials(token)), Duration.ofSeconds(5));
    User second =
        TestServices.await(jwt.authenticate(new TokenCredentials(token)), Duration.ofSeconds(5));
    assertThat(second).isSameAs(first);
    assertThat(Jwt.roles(second)).containsExactly("stocker");
    // Only what the platform reads is kept: the cache holds up to 10,000 of these.
    assertThat(second.subject()).isEqualTo("kim");
    assertThat(second.principal().fieldNames()).containsExactly("sub");
    assertThat(second.attributes().fieldNames())
        .containsExactlyInAnyOrder("exp", "stockroom.roles");
    assertThat(second.expired()).isFalse();
    String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(
              () ->
                  TestServices.await(
                      jwt.authenticate(new TokenCredentials(forged)), Duration.ofSeconds(5)))
          .hasMessageContaining("Signature");
    }
  }
}
