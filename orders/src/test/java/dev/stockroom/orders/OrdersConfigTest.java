package dev.stockroom.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Orders' own settings are checked before anything starts")
class OrdersConfigTest {
  private static Map<String, String> devEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("STOCKROOM_ENV", "dev");
    env.put("JWT_SECRET", JwtConfig.DEV_SECRET);
    return env;
  }

  private static PlatformConfig platform(Map<String, String> env) {
    return PlatformConfig.from(new Env(env), "orders", 8083);
  }

  private static void configure(Map<String, String> env) {
    OrdersService.SPEC.configure(new Env(env));
  }

  @Test
  @DisplayName(
      "orders admit more requests per event loop than the other services: POST /orders waits for"
          + " its saga inside the count without holding a connection")
  void ordersAdmitTheOrdersWaitingForTheirSagas() {
    Map<String, String> env = devEnv();
    env.put("HTTP_INSTANCES", "2");
    assertThat(OrdersService.SPEC.configure(new Env(env)).platform().maxInFlight())
        .isEqualTo((8 + 512) / 2);
    assertThat(platform(env).maxInFlight()).isEqualTo((8 + 128) / 2);
  }

  @Test
  @DisplayName(
      "the customer's budget is held to REPLICA_TTL, as inventory holds maxStaleness to it (orders"
          + " read REPLICA_TTL and did nothing with it)")
  void customerBudgetWithinTheReplicaTtl() {
    Map<String, String> env = devEnv();
    env.put("REPLICA_TTL", "PT1M");
    env.put("ORDER_CUSTOMER_MAX_STALENESS", "PT5M");
    assertThatThrownBy(() -> configure(env))
        .isInstanceOf(ConfigException.class)
        .hasMessage("ORDER_CUSTOMER_MAX_STALENESS (PT5M) must not exceed REPLICA_TTL (PT1M)");

    // Unset, it is at most REPLICA_TTL: a shell's REPLICA_TTL=PT0S (ask the owner every time),
    // passed to every service by the launcher, still starts orders.
    env.remove("ORDER_CUSTOMER_MAX_STALENESS");
    env.put("REPLICA_TTL", "PT0S");
    assertThat(OrdersConfig.from(new Env(env), platform(env)).saga().customerBudget())
        .isEqualTo(Duration.ZERO);
    env.put("REPLICA_TTL", "PT1H");
    assertThat(OrdersConfig.from(new Env(env), platform(env)).saga().customerBudget())
        .isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  @DisplayName(
      "a commitment TTL outside what inventory and users accept (1 s to 24 h) fails at start, not"
          + " as every order rejected")
  void commitmentTtlInTheParticipantsRange() {
    for (String ttl : new String[] {"P2D", "PT0.5S"}) {
      Map<String, String> env = devEnv();
      env.put("ORDER_COMMITMENT_TTL", ttl);
      env.put("ORDER_SAGA_DEADLINE", "PT0.1S");
      assertThatThrownBy(() -> configure(env))
          .as(ttl)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("ORDER_COMMITMENT_TTL: expected PT1S to PT24H");
    }
    Map<String, String> env = devEnv();
    env.put("ORDER_COMMITMENT_TTL", "PT24H");
    configure(env);
  }

  @Test
  @DisplayName(
      "outside dev the participants' addresses are required: localhost would be a ready service"
          + " rejecting every order")
  void participantsRequiredOutsideDev() {
    Map<String, String> env = devEnv();
    env.put("STOCKROOM_ENV", "production");
    env.put("JWT_SECRET", "a-production-secret-of-at-least-32-bytes");
    env.put("PG_URI", "postgresql://u:p@db:5432/orders");
    env.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
    for (String address : new String[] {"USERS_URL", "INVENTORY_URL"}) {
      Map<String, String> without = new HashMap<>(env);
      without.put("USERS_URL", "http://users:8081");
      without.put("INVENTORY_URL", "http://inventory:8082");
      without.remove(address);
      assertThatThrownBy(() -> OrdersConfig.from(new Env(without), platform(without)))
          .as(address)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(address + " is required");
    }
  }

  @Test
  @DisplayName("a saga lease no longer than one participant call is refused")
  void leaseOutlastsACall() {
    Map<String, String> env = devEnv();
    env.put("ORDER_CALL_TIMEOUT", "PT2S");
    env.put("ORDER_SAGA_LEASE", "PT2S");
    assertThatThrownBy(() -> configure(env))
        .isInstanceOf(ConfigException.class)
        .hasMessage("ORDER_SAGA_LEASE (PT2S) must be longer than ORDER_CALL_TIMEOUT (PT2S)");
  }
}
