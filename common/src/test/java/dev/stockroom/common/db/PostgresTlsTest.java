package dev.stockroom.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.PlatformTestService;
import dev.stockroom.common.testing.SelfSignedCertificate;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTokens;
import dev.stockroom.common.testing.TestTopics;
import dev.stockroom.embedded.EmbeddedPostgresServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both drivers (the pool and Flyway's JDBC) against a real PostgreSQL that has TLS on, with a
 * certificate for {@code localhost} from a private CA, the way managed databases serve it.
 */
@DisplayName("PostgreSQL over TLS with a private CA")
class PostgresTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir static Path dir;
  private static EmbeddedPostgresServer postgres;
  private static SelfSignedCertificate certificate;
  private static final Vertx vertx = Vertx.vertx();

  @BeforeAll
  static void start() {
    certificate = SelfSignedCertificate.create(dir, "dns:localhost");
    postgres =
        EmbeddedPostgresServer.start(
            null,
            0,
            true,
            Map.of(
                "ssl", "on",
                "ssl_cert_file", certificate.certificatePem().toString(),
                "ssl_key_file", certificate.privateKeyPem().toString()));
    postgres.createDatabaseIfMissing("tls");
  }

  @AfterAll
  static void stop() {
    TestServices.await(vertx.close(), WAIT);
    postgres.close();
  }

  private static PlatformConfig config(String host, String sslmode, boolean withCa) {
    Map<String, String> env = new HashMap<>();
    env.put("STOCKROOM_ENV", "dev");
    env.put(
        "PG_URI",
        "postgresql://%s:%d/tls?user=postgres&password=postgres&sslmode=%s"
            .formatted(host, postgres.port(), sslmode));
    if (withCa) {
      env.put("PG_SSL_CA", certificate.certificatePem().toString());
    }
    return PlatformConfig.from(new Env(env), "tlstest", 8099);
  }

  /** Migrates with Flyway, then asks PostgreSQL through the pool whether the session is TLS. */
  private static boolean migrateAndAskForTls(PlatformConfig config) {
    TestServices.await(
        Database.migrate(vertx, config, List.of(Migrations.service("db/migration/platformtest"))),
        WAIT);
    Pool pool = Database.pool(vertx, config);
    try {
      return TestServices.await(
          pool.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
              .execute()
              .map(rows -> rows.iterator().next().getBoolean("ssl")),
          WAIT);
    } finally {
      pool.close();
    }
  }

  /** Flyway's connection, without its retries (they would outlast a test's patience). */
  private static void jdbcConnect(PlatformConfig config, Optional<String> caFile)
      throws SQLException {
    Database.Jdbc jdbc = Database.Jdbc.from(config.pgUri(), caFile);
    DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password()).close();
  }

  @Test
  @DisplayName("verify-full with PG_SSL_CA: both drivers connect over TLS")
  void verifyFullWithTheCa() {
    assertThat(migrateAndAskForTls(config("localhost", "verify-full", true))).isTrue();
  }

  @Test
  @DisplayName(
      "a service on verify-full publishes its outbox: the relay's lock session uses the same TLS")
  void relayOverVerifyFull() {
    postgres.createDatabaseIfMissing("tls_relay");
    Map<String, String> env = TestServices.env("tls_unused");
    env.put(
        "PG_URI",
        "postgresql://localhost:%d/tls_relay?user=postgres&password=postgres&sslmode=verify-full"
            .formatted(postgres.port()));
    env.put("PG_SSL_CA", certificate.certificatePem().toString());
    env.put("OUTBOX_POLL_INTERVAL", "PT0.2S");
    env.put("OUTBOX_LEADER_RETRY", "PT0.3S");
    RunningService service = TestServices.start(PlatformTestService::start, env);
    try {
      String name = "tls-" + UUID.randomUUID();
      TestHttp.Reply created =
          new TestHttp(service.port())
              .post(
                  "/things",
                  TestTokens.admin(),
                  new JsonObject().put("name", name).put("count", 1));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      try (TestTopics topic = new TestTopics(PlatformTestService.TOPIC)) {
        topic.readUntil(
            WAIT,
            records ->
                records.stream()
                    .anyMatch(r -> r.value() != null && new String(r.value()).contains(name)));
      }
    } finally {
      TestServices.stop(service);
    }
  }

  @Test
  @DisplayName("PG_SSL_CA as PEM text works the same as a file")
  void caAsText() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("STOCKROOM_ENV", "dev");
    env.put(
        "PG_URI",
        "postgresql://localhost:%d/tls?user=postgres&password=postgres&sslmode=verify-ca"
            .formatted(postgres.port()));
    env.put("PG_SSL_CA", Files.readString(certificate.certificatePem()));
    assertThat(migrateAndAskForTls(PlatformConfig.from(new Env(env), "tlstest", 8099))).isTrue();
  }

  @Test
  @DisplayName("verify-full without the CA: the certificate is refused (the JRE does not trust it)")
  void verifyFullWithoutTheCa() {
    PlatformConfig config = config("localhost", "verify-full", false);
    Pool pool = Database.pool(vertx, config);
    try {
      assertThatThrownBy(() -> TestServices.await(pool.query("SELECT 1").execute(), WAIT))
          .hasStackTraceContaining("SSL handshake failed");
    } finally {
      pool.close();
    }
    assertThatThrownBy(() -> jdbcConnect(config, Optional.empty()))
        .hasStackTraceContaining("PKIX path building failed");
  }

  @Test
  @DisplayName("verify-full checks the host name; verify-ca only the chain")
  void hostNameChecked() {
    // The same CA passes verify-ca at this address, so verify-full can only fail on the name.
    assertThat(migrateAndAskForTls(config("127.0.0.1", "verify-ca", true))).isTrue();
    PlatformConfig byAddress = config("127.0.0.1", "verify-full", true);
    Pool pool = Database.pool(vertx, byAddress);
    try {
      assertThatThrownBy(() -> TestServices.await(pool.query("SELECT 1").execute(), WAIT))
          .hasStackTraceContaining("SSL handshake failed");
    } finally {
      pool.close();
    }
    assertThatThrownBy(
            () -> jdbcConnect(byAddress, Optional.of(certificate.certificatePem().toString())))
        .hasStackTraceContaining("127.0.0.1 could not be verified");
  }

  @Test
  @DisplayName("require without a CA encrypts without verifying, as libpq and JDBC do")
  void requireEncryptsOnly() {
    assertThat(migrateAndAskForTls(config("localhost", "require", false))).isTrue();
  }

  @Test
  @DisplayName("PG_SSL_CA without an sslmode that uses it fails at start")
  void caNeedsTls() {
    assertThatThrownBy(() -> config("localhost", "prefer", true))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("PG_SSL_CA is set, but PG_URI does not ask for TLS");
  }
}
