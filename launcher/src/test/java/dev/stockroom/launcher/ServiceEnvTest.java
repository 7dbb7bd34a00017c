package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceEnvTest {
  private static final String JWKS = "http://localhost:18090/.well-known/jwks.json";
  @TempDir Path data;
  private ServiceEnv.Wiring wiring;

  @BeforeEach
  void keys() {
    wiring =
        new ServiceEnv.Wiring(
            "localhost:19092", 18081, 18082, 18083, JWKS, DevKeys.loadOrCreate(data));
  }

  @Test
  void wiresTheLocalSystemAndPassesTuningKnobsThrough() {
    Map<String, String> env =
        ServiceEnv.forService(
            Map.of(
                "REPLICA_TTL",
                "PT1M",
                "HTTP_PORT",
                "9999",
                "PG_URI",
                "postgresql://elsewhere/x",
                "HTTP_MANAGEMENT_PORT",
                "9090"),
            "inventory",
            18082,
            "postgresql://localhost:5433/inventory",
            wiring);

    assertThat(env)
        .containsEntry("STOCKROOM_ENV", "dev")
        .containsEntry("JWT_JWKS_URL", JWKS)
        .containsEntry("JWT_SERVICE_KEYS", data.resolve("keys/services").toString())
        .containsEntry("SERVICE_SIGNING_KEY", data.resolve("keys/inventory.key.pem").toString())
        .containsEntry("SERVICE_SIGNING_KID", "inventory")
        .containsEntry("HTTP_PORT", "18082")
        .containsEntry("PG_URI", "postgresql://localhost:5433/inventory")
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "localhost:19092")
        .containsEntry("USERS_URL", "http://localhost:18081")
        .containsEntry("INVENTORY_URL", "http://localhost:18082")
        .containsEntry("SHUTDOWN_GRACE", "PT0S")
        .containsEntry("REPLICA_TTL", "PT1M")
        .doesNotContainKey("JWT_SECRET")
        // One value for three services in one process: all but the first would fail to bind it.
        .doesNotContainKey("HTTP_MANAGEMENT_PORT");
    assertThat(data.resolve("keys/services/inventory.pem")).exists();
    assertThat(data.resolve("keys/services/orders.pem")).exists();
  }

  @Test
  void usersSignsNothingAndTrustsTheCallersKeys() {
    Map<String, String> env =
        ServiceEnv.forService(
            Map.of(), "users", 18081, "postgresql://localhost:5433/users", wiring);

    assertThat(env)
        .containsEntry("JWT_SERVICE_KEYS", data.resolve("keys/services").toString())
        .doesNotContainKeys("SERVICE_SIGNING_KEY", "SERVICE_SIGNING_KID");
  }

  @Test
  void dropsKeysAndTokensThatWouldNotMatchTheLocalProvider() {
    Map<String, String> env =
        ServiceEnv.forService(
            Map.of(
                "JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----",
                "JWT_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----",
                "JWT_SECRET", "a-secret-in-the-callers-shell-0123456789",
                "JWT_ISSUER", "https://idp.example",
                "SERVICE_TOKEN", "eyJ.old.token",
                "SHUTDOWN_GRACE", "PT2S"),
            "users",
            18081,
            "postgresql://localhost:5433/users",
            wiring);

    assertThat(env)
        .doesNotContainKeys(
            "JWT_PUBLIC_KEY", "JWT_PRIVATE_KEY", "JWT_SECRET", "JWT_ISSUER", "SERVICE_TOKEN");
    assertThat(env).containsEntry("SHUTDOWN_GRACE", "PT2S");
  }

  @Test
  void anInstanceProcessGetsExactlyItsEnvironment() {
    // The launcher's own environment (this JVM's: PATH at least) is not added to it: what
    // forService left out of the map (the shell's JWT_ISSUER, HTTP_MANAGEMENT_PORT) reached the
    // --instances JVMs, which then refused the printed tokens or did not start.
    assertThat(System.getenv()).containsKey("PATH");
    Map<String, String> env = Map.of("STOCKROOM_ENV", "dev", "HTTP_PORT", "18081");
    assertThat(LocalInstances.command("dev.stockroom.users.UsersService", env).environment())
        .isEqualTo(env);
  }
}
