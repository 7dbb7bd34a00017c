package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.auth.JwtConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceEnvTest {
  private static final ServiceEnv.Wiring WIRING =
      new ServiceEnv.Wiring("localhost:19092", 18081, 18082, 18083);

  @Test
  void wiresTheLocalSystemAndPassesTuningKnobsThrough() {
    Map<String, String> env =
        ServiceEnv.forService(
            Map.of(
                "REPLICA_TTL", "PT1M", "HTTP_PORT", "9999", "PG_URI", "postgresql://elsewhere/x"),
            18082,
            "postgresql://localhost:5433/inventory",
            WIRING);

    assertThat(env)
        .containsEntry("STOCKROOM_ENV", "dev")
        .containsEntry("JWT_SECRET", JwtConfig.DEV_SECRET)
        .containsEntry("HTTP_PORT", "18082")
        .containsEntry("PG_URI", "postgresql://localhost:5433/inventory")
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "localhost:19092")
        .containsEntry("USERS_URL", "http://localhost:18081")
        .containsEntry("INVENTORY_URL", "http://localhost:18082")
        .containsEntry("SHUTDOWN_GRACE", "PT0S")
        .containsEntry("REPLICA_TTL", "PT1M");
  }

  @Test
  void dropsKeysAndTokensThatWouldNotMatchTheDevSecret() {
    Map<String, String> env =
        ServiceEnv.forService(
            Map.of(
                "JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----",
                "JWT_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----",
                "SERVICE_TOKEN", "eyJ.old.token",
                "SHUTDOWN_GRACE", "PT2S"),
            18081,
            "postgresql://localhost:5433/users",
            WIRING);

    assertThat(env).doesNotContainKeys("JWT_PUBLIC_KEY", "JWT_PRIVATE_KEY", "SERVICE_TOKEN");
    assertThat(env).containsEntry("SHUTDOWN_GRACE", "PT2S");
  }
}
