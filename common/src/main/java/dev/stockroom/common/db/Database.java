package dev.stockroom.common.db;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.service.StartupException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The service's own PostgreSQL: a bounded pool and Flyway migrations run off the event loop. */
public final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private Database() {}

  /**
   * How every connection of the service reaches PostgreSQL — the pool's and the relay's lock and
   * LISTEN session alike — with PG_URI's sslmode and PG_SSL_CA applied. (Flyway's JDBC URL is
   * derived from the same settings by {@link Jdbc#from}.)
   */
  public static PgConnectOptions connectOptions(PlatformConfig config) {
    PgConnectOptions connect = PgConnectOptions.fromUri(config.pgUri().toString());
    PgTls.apply(connect, config.pgSslCa());
    return connect;
  }

  public static Pool pool(Vertx vertx, PlatformConfig config) {
    PgConnectOptions connect =
        connectOptions(config)
            .setCachePreparedStatements(true)
            .setPreparedStatementCacheMaxSize(256)
            .setPipeliningLimit(256)
            .addProperty("plan_cache_mode", config.pgPlanCacheMode().setting())
            .addProperty("statement_timeout", config.pgStatementTimeout().toMillis() + "ms");
    return LoopLocalPool.over(
        vertx,
        config.pgPoolSize(),
        (index, size, pools) ->
            PgBuilder.pool()
                .with(poolOptions(config, index, size, pools))
                .connectingTo(connect)
                .using(vertx)
                .build());
  }

  /** Pool {@code index} of {@code pools}: {@code size} connections and its share of the queue. */
  private static PoolOptions poolOptions(PlatformConfig config, int index, int size, int pools) {
    return new PoolOptions()
        .setName(config.serviceName() + "-pg" + (pools == 1 ? "" : "-" + index))
        .setShared(false)
        .setMaxSize(size)
        // Bounded: when the database falls behind, callers fail fast instead of queueing
        // forever.
        .setMaxWaitQueueSize(Math.max(1, config.pgWaitQueueSize() / pools))
        .setConnectionTimeout(5)
        .setIdleTimeout(300)
        // Replaced now and then, so that plans cached on a connection follow the statistics.
        .setMaxLifetime((int) config.pgMaxLifetime().toSeconds())
        .setMaxLifetimeUnit(TimeUnit.SECONDS);
  }

  /**
   * Waits until the database answers, trying again at most a second apart (so a service is ready
   * within seconds of the database coming up) and warning every few seconds, for up to {@code
   * STARTUP_TIMEOUT}. A database that is still down at start is a wait, not a crash loop.
   */
  public static Future<Void> awaitReachable(Vertx vertx, Pool pool, PlatformConfig config) {
    String where = config.pgUri().getHost() + ":" + config.pgUri().getPort();
    long deadline = System.nanoTime() + config.startupTimeout().toNanos();
    Promise<Void> reachable = Promise.promise();
    tryReaching(vertx, pool, where, deadline, config.startupTimeout(), 0, reachable);
    return reachable.future();
  }

  private static void tryReaching(
      Vertx vertx,
      Pool pool,
      String where,
      long deadline,
      Duration timeout,
      int failures,
      Promise<Void> reachable) {
    pool.query("SELECT 1")
        .execute()
        .onSuccess(
            rows -> {
              if (failures > 0) {
                log.info("PostgreSQL at {} answers after {} failed attempts", where, failures);
              }
              reachable.complete();
            })
        .onFailure(
            e -> {
              if (System.nanoTime() > deadline) {
                reachable.fail(
                    new StartupException(
                        "PostgreSQL at "
                            + where
                            + " did not answer within STARTUP_TIMEOUT ("
                            + timeout
                            + "): "
                            + e.getMessage()));
                return;
              }
              if (failures % 5 == 0) {
                log.warn("waiting for PostgreSQL at {}: {}", where, e.toString());
              }
              long delay = Math.min(1000, 100L << Math.min(failures, 4));
              vertx.setTimer(
                  delay,
                  id ->
                      tryReaching(vertx, pool, where, deadline, timeout, failures + 1, reachable));
            });
  }

  /** Applies each set of migrations in order; blocking, so on a worker thread. */
  public static Future<Void> migrate(Vertx vertx, PlatformConfig config, List<Migrations> sets) {
    Future<Jdbc> jdbc =
        vertx.executeBlocking(() -> Jdbc.from(config.pgUri(), caFile(config.pgSslCa())));
    Future<Void> chain = jdbc.mapEmpty();
    for (Migrations set : sets) {
      chain = chain.compose(v -> migrate(vertx, jdbc.result(), set).mapEmpty());
    }
    return chain;
  }

  /** JDBC reads the CA from a file only: PG_SSL_CA's text goes into one of this process's own. */
  private static Optional<String> caFile(Optional<String> caPem) throws IOException {
    if (caPem.isEmpty()) {
      return Optional.empty();
    }
    Path file =
        Files.createTempFile(
            "stockroom-pg-ca-", ".crt", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    file.toFile().deleteOnExit();
    Files.writeString(file, caPem.get());
    return Optional.of(file.toString());
  }

  private static Future<MigrateResult> migrate(Vertx vertx, Jdbc jdbc, Migrations set) {
    return vertx.executeBlocking(
        () -> {
          MigrateResult result =
              Flyway.configure()
                  .dataSource(jdbc.url(), jdbc.user(), jdbc.password())
                  .locations("classpath:" + set.location())
                  .table(set.historyTable())
                  // A component's tables join a schema the service already owns.
                  .baselineOnMigrate(set.isComponent())
                  .baselineVersion("0")
                  // The database answered a moment ago (awaitReachable): a lost connection is
                  // tried again for seconds, not Flyway's exponential backoff (10 retries: about
                  // eight minutes, past STARTUP_TIMEOUT and the startup probe, ending in a kill).
                  .connectRetries(3)
                  .connectRetriesInterval(2)
                  .load()
                  .migrate();
          log.info(
              "{}: {} at version {} ({} migrations applied)",
              set.location(),
              Env.redact(jdbc.url()),
              result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion,
              result.migrationsExecuted);
          return result;
        });
  }

  /** The JDBC view of a {@code postgresql://user:pass@host:port/db} URI, for Flyway. */
  record Jdbc(String url, String user, String password) {
    /** With {@code caFile}, the PEM file of the CA that PG_SSL_CA names. */
    static Jdbc from(URI uri, Optional<String> caFile) {
      // Without user info, the user and password travel as query parameters JDBC also reads.
      String user = null;
      String password = null;
      if (uri.getRawUserInfo() != null) {
        String[] parts = uri.getRawUserInfo().split(":", 2);
        user = decode(parts[0]);
        password = parts.length > 1 ? decode(parts[1]) : "";
      }
      int port = uri.getPort() > 0 ? uri.getPort() : 5432;
      String raw = uri.getRawQuery() == null ? "" : uri.getRawQuery();
      String tls = PgTls.jdbcParameters(raw, caFile);
      String query = raw.isEmpty() && tls.isEmpty() ? "" : "?" + (raw + tls).replaceFirst("^&", "");
      String url = "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath() + query;
      return new Jdbc(url, user, password);
    }

    private static String decode(String s) {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
  }
}
