package dev.stockroom.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.health.ProbeRoute;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.FaultyTcpProxy;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestHttp.Reply;
import dev.stockroom.common.testing.TestInfra;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTopics;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("users without its dependencies")
class StartWithoutDependenciesTest {

  @Test
  @DisplayName(
      "Kafka unreachable at start: users serves writes into its outbox; they reach the topic once the broker comes")
  void startsWithoutKafka() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(null, 0);
    try {
      broker.stop();
      Map<String, String> env = UsersTestSupport.env();
      env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
      RunningService users =
          TestServices.await(UsersService.start(new Env(env)), Duration.ofSeconds(20));
      try {
        TestHttp http = new TestHttp(users.port());
        String id = UsersTestSupport.register(http, "Kim Offline", 100).getString("id");
        Reply ready = http.get("/health/ready", null);
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        assertThat(ready.json().getJsonObject("checks").getString("kafka")).startsWith("waiting");

        broker.restart();
        Eventually.assertWithin(
            Duration.ofSeconds(40),
            () ->
                assertThat(
                        http.get("/health/ready", null)
                            .json()
                            .getJsonObject("checks")
                            .getString("kafka"))
                    .isEqualTo("up"));
        try (TestTopics topic = new TestTopics(UsersService.TOPIC, broker.bootstrapServers())) {
          topic.readUntil(
              Duration.ofSeconds(20), rs -> rs.stream().anyMatch(r -> id.equals(r.key())));
        }
      } finally {
        TestServices.stop(users);
      }
    } finally {
      broker.close();
    }
  }

  @Test
  @DisplayName(
      "PostgreSQL unreachable at start: users waits, and is ready within 10 s of it coming up")
  void waitsForPostgres() {
    try (FaultyTcpProxy pg = FaultyTcpProxy.to(TestInfra.postgres().port())) {
      pg.refuse();
      Map<String, String> env = UsersTestSupport.env();
      env.put("PG_URI", throughProxy(env.get("PG_URI"), pg.port()));
      Future<RunningService> starting = UsersService.start(new Env(env));
      Eventually.assertWithin(
          Duration.ofSeconds(15), () -> assertThat(pg.refused()).isGreaterThanOrEqualTo(3));
      assertThat(starting.isComplete()).as("still waiting for the database").isFalse();

      pg.accept();
      long back = System.nanoTime();
      RunningService users = TestServices.await(starting, Duration.ofSeconds(20));
      try {
        // Retries at most a second apart, then migrations and deployment on a busy machine.
        assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofSeconds(10));
        assertThat(new TestHttp(users.port()).get("/health/ready", null).status()).isEqualTo(200);
      } finally {
        TestServices.stop(users);
      }
    }
  }

  @Test
  @DisplayName(
      "PostgreSQL's connections reset mid-request (a restart, found by the chaos run): 503 with"
          + " Retry-After, never 500")
  void connectionResetMidRequest() throws Exception {
    try (FaultyTcpProxy pg = FaultyTcpProxy.to(TestInfra.postgres().port())) {
      Map<String, String> env = UsersTestSupport.env();
      String direct = env.get("PG_URI");
      env.put("PG_URI", throughProxy(direct, pg.port()));
      RunningService users = UsersTestSupport.start(env);
      try (java.sql.Connection lock = java.sql.DriverManager.getConnection("jdbc:" + direct)) {
        TestHttp http = new TestHttp(users.port());
        String id = UsersTestSupport.register(http, "Rhea Reset", 100).getString("id");
        // The person's row is locked elsewhere, so the rename waits inside PostgreSQL: the request
        // is certainly mid-query when its connection is reset.
        lock.setAutoCommit(false);
        lock.createStatement().execute("SELECT 1 FROM users WHERE id = '" + id + "' FOR UPDATE");
        java.util.concurrent.CompletableFuture<Reply> rename =
            java.util.concurrent.CompletableFuture.supplyAsync(
                () ->
                    http.patch(
                        "/users/" + id,
                        UsersTestSupport.ADMIN,
                        new io.vertx.core.json.JsonObject().put("name", "Rhea Renamed"),
                        Map.of()));
        Eventually.assertWithin(
            Duration.ofSeconds(10), () -> assertThat(waitingOnALock(direct)).isPositive());
        pg.reset();
        Reply answer = rename.get(10, java.util.concurrent.TimeUnit.SECONDS);
        lock.rollback();
        assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isNotNull();
        Eventually.assertWithin(
            Duration.ofSeconds(10),
            () ->
                assertThat(http.get("/users/" + id, UsersTestSupport.ADMIN).status())
                    .isEqualTo(200));
        assertThat(http.get("/users/" + id, UsersTestSupport.ADMIN).json().getString("name"))
            .as("the interrupted rename left nothing behind")
            .isEqualTo("Rhea Reset");
      } finally {
        TestServices.stop(users);
      }
    }
  }

  /** Sessions of this database waiting for a lock (its own connection: stats are per snapshot). */
  private static long waitingOnALock(String pgUri) {
    try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:" + pgUri);
        var rs =
            db.createStatement()
                .executeQuery(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND datname = current_database()")) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName(
      "PostgreSQL down while serving: 503 with Retry-After, never 500; back without a restart")
  void databaseOutage() {
    try (FaultyTcpProxy pg = FaultyTcpProxy.to(TestInfra.postgres().port())) {
      Map<String, String> env = UsersTestSupport.env();
      env.put("PG_URI", throughProxy(env.get("PG_URI"), pg.port()));
      RunningService users = UsersTestSupport.start(env);
      try {
        TestHttp http = new TestHttp(users.port());
        String id = UsersTestSupport.register(http, "Lou Outage", 100).getString("id");

        pg.refuse();
        for (int i = 0; i < 20; i++) {
          Reply reply = http.get("/users/" + id, UsersTestSupport.ADMIN);
          assertThat(reply.status()).as(reply.toString()).isEqualTo(503);
          assertThat(reply.header("Retry-After")).isNotNull();
          assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        }
        Reply write =
            http.patch(
                "/users/" + id,
                UsersTestSupport.ADMIN,
                new io.vertx.core.json.JsonObject().put("name", "Lou Later"),
                Map.of());
        assertThat(write.status()).as(write.toString()).isEqualTo(503);
        // Each probe route as ProbeRoute declares it (the manifests' probes are checked against
        // that):
        // the one that checks dependencies fails, the one that does not still answers.
        for (ProbeRoute probe : ProbeRoute.values()) {
          assertThat(http.get(probe.path(), null).status())
              .as(probe.path())
              .isEqualTo(probe.checksDependencies() ? 503 : 200);
        }
        // Probes answer anyone: the driver's text (the database's address) stays in the log.
        Reply ready = http.get("/health/ready", null);
        assertThat(ready.json().getJsonObject("checks").getString("database"))
            .as(ready.toString())
            .isEqualTo("down");
        // The one metric that says so (StockroomDatabaseUnreachable): every other gauge kept
        // its last value.
        assertThat(http.get("/metrics", null).body())
            .containsPattern("(?m)^database_reachable\\{[^}]*\\} 0\\.0$");

        pg.accept();
        Eventually.assertWithin(
            Duration.ofSeconds(10),
            () ->
                assertThat(http.get("/users/" + id, UsersTestSupport.ADMIN).status())
                    .isEqualTo(200));
        Eventually.assertWithin(
            Duration.ofSeconds(10),
            () -> assertThat(http.get("/health/ready", null).status()).isEqualTo(200));
        assertThat(http.get("/metrics", null).body())
            .containsPattern("(?m)^database_reachable\\{[^}]*\\} 1\\.0$");
        assertThat(http.get("/users/" + id, UsersTestSupport.ADMIN).json().getString("name"))
            .as("the refused write left nothing behind")
            .isEqualTo("Lou Outage");
      } finally {
        TestServices.stop(users);
      }
    }
  }

  private static String throughProxy(String pgUri, int port) {
    URI uri = URI.create(pgUri);
    return pgUri.replace(":" + uri.getPort() + "/", ":" + port + "/");
  }
}
