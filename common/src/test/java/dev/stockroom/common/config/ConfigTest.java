package dev.stockroom.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.common.outbox.OutboxRelayConfig;
import dev.stockroom.common.replica.ReplicaSettings;
import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.tracing.Tracing;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Configuration")
class ConfigTest {

  private static Map<String, String> devEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("STOCKROOM_ENV", "dev");
    env.put("PG_URI", "postgresql://u:secret@db.example:5432/users");
    env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    return env;
  }

  private static PlatformConfig read(Map<String, String> env) {
    return PlatformConfig.from(new Env(env), "users", 8081);
  }

  @Test
  @DisplayName("defaults are sane and typed")
  void defaults() {
    PlatformConfig config = read(devEnv());
    assertThat(config.httpPort()).isEqualTo(8081);
    assertThat(config.bodyLimitBytes()).isEqualTo(64 * 1024);
    assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(config.kafka().protocol()).isEqualTo("PLAINTEXT");
    assertThat(config.jwt().algorithm()).isEqualTo("HS256");
    assertThat(config.devMode()).isTrue();
  }

  @Test
  @DisplayName(
      "requests in flight default to what the database pool can serve or queue, shared out among"
          + " the HTTP verticles")
  void inFlightFollowsThePool() {
    Map<String, String> env = devEnv();
    env.put("HTTP_INSTANCES", "2");
    assertThat(read(env).maxInFlight()).isEqualTo((8 + 128) / 2);
    env.put("PG_POOL_SIZE", "16");
    env.put("PG_POOL_WAIT_QUEUE", "101");
    assertThat(read(env).maxInFlight()).isEqualTo(59);
    env.put("HTTP_MAX_IN_FLIGHT", "1000");
    assertThat(read(env).maxInFlight()).isEqualTo(1000);
  }

  @Test
  @DisplayName("a management port is off unless set, and must be a port other than the API's")
  void managementPort() {
    Map<String, String> env = devEnv();
    assertThat(read(env).managementPort()).isEmpty();
    env.put("HTTP_MANAGEMENT_PORT", "9090");
    assertThat(read(env).managementPort()).hasValue(9090);
    env.put("HTTP_MANAGEMENT_PORT", "8081");
    assertThatThrownBy(() -> read(env))
        .isInstanceOf(ConfigException.class)
        .hasMessage("HTTP_MANAGEMENT_PORT: expected a port other than HTTP_PORT (8081)");
    env.put("HTTP_MANAGEMENT_PORT", "none");
    assertThatThrownBy(() -> read(env)).hasMessageStartingWith("HTTP_MANAGEMENT_PORT: expected");
  }

  @Test
  @DisplayName("a malformed port, URI or duration fails with one line naming the variable")
  void malformedValues() {
    Map<String, String> env = devEnv();
    env.put("HTTP_PORT", "80a");
    assertThatThrownBy(() -> read(env))
        .isInstanceOf(ConfigException.class)
        .hasMessage("HTTP_PORT: expected a TCP port number from 1 to 65535, got '80a'");

    env.put("HTTP_PORT", "70000");
    assertThatThrownBy(() -> read(env)).hasMessageStartingWith("HTTP_PORT: expected");

    Map<String, String> badUri = devEnv();
    badUri.put("PG_URI", "mysql://u:secret@db/x");
    assertThatThrownBy(() -> read(badUri))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("PG_URI: expected a URI like postgresql://")
        .hasMessageNotContaining("secret");

    // What PostgreSQL's client refuses is refused here, in one line without the password: a port
    // past 65535, no database, an sslmode it does not know (a stack trace printing the URI with
    // its password, exit 1, before).
    for (String refused :
        new String[] {
          "postgresql://u:secret@db:99999/users",
          "postgresql://u:secret@db:1/",
          "postgresql://u:secret@db/users?sslmode=bogus",
          "postgresql://db/users?user=u&password=secret&sslmode=bogus",
          "postgresql://db/users?user=u&password=secret&oops"
        }) {
      Map<String, String> pg = devEnv();
      pg.put("PG_URI", refused);
      assertThatThrownBy(() -> read(pg))
          .as(refused)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("PG_URI: ")
          .hasMessageNotContaining("secret");
    }
    Map<String, String> ownerPort = devEnv();
    ownerPort.put("USERS_URL", "http://localhost:99999");
    assertThatThrownBy(() -> new Env(ownerPort).uri("USERS_URL", null, "http", "https"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("USERS_URL: expected");

    Map<String, String> badDuration = devEnv();
    badDuration.put("SHUTDOWN_GRACE", "5 seconds");
    assertThatThrownBy(() -> read(badDuration))
        .hasMessage(
            "SHUTDOWN_GRACE: expected an ISO-8601 duration such as PT15M or PT0.5S, got '5 seconds'");

    Map<String, String> badKafka = devEnv();
    badKafka.put("KAFKA_BOOTSTRAP_SERVERS", "localhost");
    assertThatThrownBy(() -> read(badKafka))
        .hasMessageStartingWith("KAFKA_BOOTSTRAP_SERVERS: expected");

    Map<String, String> badLog = devEnv();
    badLog.put("LOG_FORMAT", "xml");
    assertThatThrownBy(() -> read(badLog))
        .hasMessageStartingWith("LOG_FORMAT: expected text or json");

    // logback reads an unknown level as DEBUG: every request's full URI in production's logs.
    Map<String, String> badLevel = devEnv();
    badLevel.put("LOG_LEVEL", "WARNING");
    assertThatThrownBy(() -> read(badLevel))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "LOG_LEVEL: expected one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got 'WARNING'");
    badLevel.put("LOG_LEVEL", "warn");
    assertThat(read(badLevel)).isNotNull();

    // Anything but dev meant production, silently: "development" got production's rules.
    Map<String, String> badStage = devEnv();
    badStage.put("STOCKROOM_ENV", "development");
    assertThatThrownBy(() -> read(badStage))
        .isInstanceOf(ConfigException.class)
        .hasMessage("STOCKROOM_ENV: expected dev or production, got 'development'");
    badStage.put("STOCKROOM_ENV", "DEV");
    assertThat(read(badStage).devMode()).isTrue();

    assertThatThrownBy(() -> Tracing.from(new Env(Map.of("OTEL_SDK_DISABLED", "yes")), "svc"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("OTEL_SDK_DISABLED: expected true or false, got 'yes'");
  }

  @Test
  @DisplayName(
      "an interval, timeout or lease of zero fails at start, naming the variable (a timer cannot"
          + " fire in under a millisecond; a timeout of 0 is none at all)")
  void zeroIntervalsAndTimeouts() {
    Map<String, String> env = devEnv();
    env.put("BREAKER_RESET", "PT0S");
    assertThatThrownBy(() -> read(env))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "BREAKER_RESET: expected an ISO-8601 duration of at least PT0.001S, such as PT15M,"
                + " got 'PT0S'");
    for (String name :
        new String[] {"OUTBOX_POLL_INTERVAL", "WATERMARK_INTERVAL", "OUTBOX_LEADER_RETRY"}) {
      Env zero = new Env(Map.of(name, "PT0.0001S"));
      assertThatThrownBy(() -> OutboxRelayConfig.from(zero, "users"))
          .as(name)
          .hasMessageStartingWith(name + ": expected");
    }
    for (String name : new String[] {"REPLICA_FALLBACK_TIMEOUT", "REPLICA_RECONCILE_INTERVAL"}) {
      Env zero = new Env(Map.of(name, "PT0S"));
      assertThatThrownBy(() -> ReplicaSettings.from(zero, "USERS_URL", "http://localhost:8081"))
          .as(name)
          .hasMessageStartingWith(name + ": expected");
    }
    assertThat(new Env(Map.of("X", "PT0.001S")).positiveDuration("X", Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofMillis(1));
  }

  @Test
  @DisplayName("platform layers are switched off only in dev mode, and only known ones")
  void layersOff() {
    Map<String, String> env = devEnv();
    assertThat(read(env).layersOff()).isEmpty();
    env.put("BENCH_LAYERS_OFF", "auth, METRICS");
    assertThat(read(env).layersOff())
        .containsExactlyInAnyOrder(PlatformLayer.AUTH, PlatformLayer.METRICS);
    env.put("BENCH_LAYERS_OFF", "auth,tls");
    assertThatThrownBy(() -> read(env))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "BENCH_LAYERS_OFF: expected a comma-separated list of auth, validation, metrics,"
                + " freshness, got 'tls'");
    Map<String, String> production = devEnv();
    production.remove("STOCKROOM_ENV");
    production.put("JWT_SECRET", "s".repeat(40));
    production.put("BENCH_LAYERS_OFF", "auth");
    assertThatThrownBy(() -> read(production))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("BENCH_LAYERS_OFF switches platform layers off")
        .hasMessageContaining("STOCKROOM_ENV=dev");
  }

  @Test
  @DisplayName("outside dev mode the dev secret and a missing key both refuse to start")
  void productionKeys() {
    Map<String, String> env = devEnv();
    env.put("STOCKROOM_ENV", "production");
    assertThatThrownBy(() -> read(env)).hasMessageContaining("JWT_PUBLIC_KEY");

    env.put("JWT_SECRET", JwtConfig.DEV_SECRET);
    assertThatThrownBy(() -> read(env))
        .hasMessageStartingWith("JWT_SECRET: the dev secret is refused");

    env.put("JWT_SECRET", "too-short");
    assertThatThrownBy(() -> read(env))
        .hasMessageStartingWith("JWT_SECRET: expected at least 32 bytes");

    env.put("JWT_SECRET", "a-production-secret-of-at-least-32-bytes");
    assertThat(read(env).jwt().algorithm()).isEqualTo("HS256");
    assertThat(read(env).devMode()).isFalse();

    env.remove("JWT_SECRET");
    env.put("JWT_JWKS_URL", "https://idp.example/realms/stockroom/protocol/openid-connect/certs");
    env.put("JWT_ROLES_CLAIM", "realm_access.roles");
    assertThat(read(env).jwt().algorithm()).isEqualTo("JWKS");
    assertThat(read(env).jwt().canMint()).isFalse();
    env.put("JWT_ROLES_CLAIM", "realm_access..roles");
    assertThatThrownBy(() -> read(env)).hasMessageStartingWith("JWT_ROLES_CLAIM: expected");
    env.put("JWT_ROLES_CLAIM", "roles");
    env.put("JWT_JWKS_URL", "ftp://idp.example/certs");
    assertThatThrownBy(() -> read(env)).hasMessageStartingWith("JWT_JWKS_URL");
    // Keys fetched in the clear can be swapped on the way: anyone on the path mints admin tokens.
    for (String clear : new String[] {"http://idp.example/certs", "HTTP://idp.example/certs"}) {
      env.put("JWT_JWKS_URL", clear);
      assertThatThrownBy(() -> read(env))
          .as(clear)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("JWT_JWKS_URL: expected https outside dev");
    }
    env.put("JWT_JWKS_URL", "http://localhost:8090/.well-known/jwks.json");
    assertThat(read(env).jwt().algorithm())
        .as("the launcher's own, on this machine")
        .isEqualTo("JWKS");
    env.put("HTTP_REQUEST_READ_TIMEOUT", "PT0S");
    env.put("JWT_JWKS_URL", "https://idp.example/certs");
    assertThatThrownBy(() -> read(env))
        .hasMessageStartingWith(
            "HTTP_REQUEST_READ_TIMEOUT: expected an ISO-8601 duration of at least");
  }

  @Test
  @DisplayName("durations are ISO-8601")
  void durations() {
    Map<String, String> env = devEnv();
    env.put("SHUTDOWN_GRACE", "PT0.5S");
    assertThat(read(env).shutdownGrace()).isEqualTo(Duration.ofMillis(500));
    env.put("SHUTDOWN_GRACE", "PT9223372036854775807S");
    assertThatThrownBy(() -> read(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("SHUTDOWN_GRACE: expected an ISO-8601 duration from PT0S to 100");
  }

  @Test
  @DisplayName(
      "outside dev the addresses of Kafka and of other services are required, not this machine's")
  void productionAddresses() {
    Map<String, String> env = devEnv();
    env.put("STOCKROOM_ENV", "production");
    env.put("JWT_SECRET", "a-production-secret-of-at-least-32-bytes");
    env.remove("KAFKA_BOOTSTRAP_SERVERS");
    assertThatThrownBy(() -> read(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("KAFKA_BOOTSTRAP_SERVERS is required");
    env.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
    assertThat(read(env).kafka().bootstrapServers()).isEqualTo("kafka:9092");
    assertThatThrownBy(() -> ReplicaSettings.from(new Env(env), "USERS_URL", null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("USERS_URL is required");
  }

  @Test
  @DisplayName(
      "the pool's connection lifetime is whole seconds an int holds: PT0.5S is not 'never', and"
          + " 100 years does not overflow")
  void poolMaxLifetime() {
    Map<String, String> env = devEnv();
    env.put("PG_POOL_MAX_LIFETIME", "PT0S");
    assertThat(read(env).pgMaxLifetime()).isZero();
    for (String bad : new String[] {"PT0.5S", "P36500D"}) {
      env.put("PG_POOL_MAX_LIFETIME", bad);
      assertThatThrownBy(() -> read(env))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("PG_POOL_MAX_LIFETIME: expected whole seconds");
    }
  }

  @Test
  @DisplayName(
      "outside dev, ended commitments are kept at least a day: a saga retrying a lost answer must"
          + " still find them")
  void commitmentRetention() {
    Map<String, String> env = devEnv();
    env.put("COMMITMENT_RETENTION", "PT1S");
    assertThat(read(env).commitmentRetention(new Env(env))).isEqualTo(Duration.ofSeconds(1));
    env.put("STOCKROOM_ENV", "production");
    env.put("JWT_SECRET", "a-production-secret-of-at-least-32-bytes");
    assertThatThrownBy(() -> read(env).commitmentRetention(new Env(env)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("COMMITMENT_RETENTION: expected at least PT24H");
    env.remove("COMMITMENT_RETENTION");
    assertThat(read(env).commitmentRetention(new Env(env))).isEqualTo(Duration.ofDays(7));
  }

  @Test
  @DisplayName("a service with bad configuration fails before it starts anything")
  void serviceFailsFast() {
    Map<String, String> env = devEnv();
    env.put("HTTP_PORT", "port");
    assertThatThrownBy(() -> PlatformTestService.start(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("HTTP_PORT:");
  }
}
