package dev.stockroom.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.auth.Jwt;
import dev.stockroom.common.auth.JwtConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokensTest {
  @Test
  void theServicesAcceptTheHarnessTokens() {
    Vertx vertx = Vertx.vertx();
    try {
      String token = new Tokens(JwtConfig.DEV_SECRET, Duration.ofMinutes(5)).mint("u-1", "stocker");
      User user =
          Api.await(
              Jwt.create(vertx, JwtConfig.hs256(JwtConfig.DEV_SECRET))
                  .authenticate(new TokenCredentials(token)),
              Duration.ofSeconds(10));
      assertThat(user.subject()).isEqualTo("u-1");
      assertThat(Jwt.roles(user)).containsExactly("stocker");
    } finally {
      vertx.close();
    }
  }
}
