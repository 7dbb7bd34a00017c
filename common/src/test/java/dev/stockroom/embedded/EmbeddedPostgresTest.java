package dev.stockroom.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.PostgresCrash;
import dev.stockroom.common.testing.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("Embedded PostgreSQL")
class EmbeddedPostgresTest {

  @Test
  @DisplayName("freshDatabase gives distinct, empty databases that vertx-pg-client can query")
  void freshDatabasesAreDistinctEmptyAndConnectable(Vertx vertx) throws Exception {
    String first = TestInfra.freshDatabase("EmbeddedPostgresTest");
    String second = TestInfra.freshDatabase("EmbeddedPostgresTest");
    assertThat(first).isNotEqualTo(second);

    Pool a = pool(vertx, first);
    Pool b = pool(vertx, second);
    try {
      assertThat(single(a, "select 1")).isEqualTo(1L);
      assertThat(single(a, "select count(*) from pg_tables where schemaname = 'public'")).isZero();

      await(a.query("create table only_in_first (id int)").execute());
      assertThat(single(b, "select count(*) from pg_tables where schemaname = 'public'")).isZero();
    } finally {
      await(a.close());
      await(b.close());
    }
  }

  @Test
  @DisplayName("the same URI prefixed with jdbc: connects through the JDBC driver")
  void uriWorksForJdbc() throws Exception {
    String uri = TestInfra.freshDatabase("jdbc");
    try (Connection c = DriverManager.getConnection("jdbc:" + uri);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select current_database()")) {
      assertThat(rs.next()).isTrue();
      assertThat(uri).contains("/" + rs.getString(1) + "?");
    }
  }

  @Test
  @DisplayName(
      "a server that does not start says why in its log beside the data directory (a directory"
          + " others may read, here)")
  void aServerThatDoesNotStartSaysWhyInItsLog(@TempDir Path parent) throws Exception {
    Path dataDir = parent.resolve("pg");
    EmbeddedPostgresServer.start(dataDir, 0, false).close();
    // PostgreSQL refuses a data directory others may read; zonky logged its FATAL line at INFO,
    // out of sight, and then waited 30 s for a server that had already given up.
    java.nio.file.Files.setPosixFilePermissions(
        dataDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () ->
            EmbeddedPostgresServer.start(
                dataDir, 0, false, java.util.Map.of(), java.time.Duration.ofSeconds(3)));
    assertThat(PostgresLog.lastComplaint(dataDir))
        .hasValueSatisfying(line -> assertThat(line).contains("FATAL").contains("permissions"));
    assertThat(PostgresLog.file(dataDir)).isEqualTo(parent.resolve("pg.log"));
  }

  @Test
  @DisplayName("a server with a data directory keeps its databases unless started fresh")
  void persistentDataDirectory(@TempDir Path dataDir) {
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir, 0, false)) {
      pg.createDatabaseIfMissing("kept");
      pg.createDatabaseIfMissing("kept"); // idempotent
    }
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir, 0, false)) {
      assertThat(databaseExists(pg, "kept")).isTrue();
      pg.dropDatabase("kept");
      assertThat(databaseExists(pg, "kept")).isFalse();
      pg.createDatabaseIfMissing("kept");
    }
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir, 0, true)) {
      assertThat(databaseExists(pg, "kept")).isFalse();
    }
  }

  @Test
  @DisplayName(
      "a server killed from outside is noticed and not stopped again: close() returns quietly and"
          + " its temporary directory goes")
  void killedFromOutside() throws Exception {
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(null, 0, false);
    assertThat(pg.isRunning()).isTrue();
    long pid =
        Long.parseLong(
            java.nio.file.Files.readAllLines(pg.dataDir().resolve("postmaster.pid")).get(0).trim());
    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
    postmaster.destroyForcibly();
    postmaster.onExit().get(30, TimeUnit.SECONDS);

    assertThat(pg.isRunning()).isFalse();
    pg.close();
    assertThat(pg.dataDir()).doesNotExist();
  }

  @Test
  @DisplayName(
      "a durable server keeps every commit it acknowledged through a kill -9 of the postmaster")
  void durableKeepsAcknowledgedCommits(@TempDir Path dataDir) throws Exception {
    int acknowledged = 300;
    try (EmbeddedPostgresServer pg =
        EmbeddedPostgresServer.start(dataDir, 0, false, EmbeddedPostgresServer.DURABLE)) {
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"));
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE acknowledged (n int PRIMARY KEY)");
        // Each insert its own transaction, answered before the next: what a client was told.
        for (int n = 1; n <= acknowledged; n++) {
          s.execute("INSERT INTO acknowledged VALUES (" + n + ")");
        }
      }
      PostgresCrash.kill(pg);
    }
    try (EmbeddedPostgresServer pg =
            EmbeddedPostgresServer.start(dataDir, 0, false, EmbeddedPostgresServer.DURABLE);
        Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM acknowledged")) {
      rs.next();
      assertThat(rs.getInt(1)).as("commits kept of %d acknowledged", acknowledged).isEqualTo(300);
    }
  }

  private static boolean databaseExists(EmbeddedPostgresServer pg, String name) {
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + name + "'")) {
      return rs.next();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Pool pool(Vertx vertx, String uri) {
    return PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(uri)).using(vertx).build();
  }

  private static long single(Pool pool, String sql) throws Exception {
    RowSet<Row> rows = await(pool.query(sql).execute());
    return rows.iterator().next().getLong(0);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
