package dev.stockroom.inventory.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.inventory.InventoryService;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A fixed SERVICE_TOKEN")
class ServiceTokenTest {

  private static String serviceToken(Instant expiry) {
    JsonObject claims =
        TestTokens.claims("inventory", "service").put("exp", expiry.getEpochSecond());
    return TestTokens.sign(claims, JwtConfig.DEV_SECRET);
  }

  @Test
  @DisplayName(
      "already expired: the service refuses to start, naming SERVICE_TOKEN, before anything runs")
  void expiredRefused() {
    Map<String, String> env = TestServices.env("inventory_token");
    env.put("SERVICE_TOKEN", serviceToken(Instant.now().minusSeconds(60)));
    assertThatThrownBy(() -> InventoryService.start(new Env(env)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("SERVICE_TOKEN expired at");
  }

  @Test
  @DisplayName("expiring later: the service starts and publishes how long the token has left")
  void expiryPublished() {
    Map<String, String> env = TestServices.env("inventory_token");
    env.put("SERVICE_TOKEN", serviceToken(Instant.now().plus(Duration.ofHours(2))));
    RunningService inventory = TestServices.start(e -> InventoryService.start(new Env(e)), env);
    try {
      String metrics = new TestHttp(inventory.port()).get("/metrics", null).body();
      assertThat(metrics).containsPattern("service_token_expiry_seconds\\{[^}]*\\} 7[0-9]{3}");
    } finally {
      TestServices.stop(inventory);
    }
  }
}
