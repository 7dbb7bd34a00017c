package dev.stockroom.common.outbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly one active relay per database: the one holding a session-level advisory lock on its own
 * connection. If that process dies, PostgreSQL ends the session, the lock is released, and a
 * standby takes it on its next attempt. The same connection LISTENs for outbox notifications.
 */
final class RelayLeadership {
  private static final Logger log = LoggerFactory.getLogger(RelayLeadership.class);

  /** A fixed key: one relay per database, whatever the service. */
  static final long LOCK_KEY = 0x5354_4f43_4b52_4f4dL; // "STOCKROM"

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final Consumer<Boolean> onChange;
  private final Runnable onNotification;
  private PgConnection connection;
  private boolean leader;
  private boolean attempting;
  private boolean stopped;

  RelayLeadership(
      Vertx vertx, PgConnectOptions options, Consumer<Boolean> onChange, Runnable onNotification) {
    this.vertx = vertx;
    this.options = options;
    this.onChange = onChange;
    this.onNotification = onNotification;
  }

  boolean isLeader() {
    return leader;
  }

  /** Tries to become the leader, or (as leader) checks the lock's connection is still alive. */
  Future<Void> attempt() {
    if (stopped || attempting) {
      return Future.succeededFuture();
    }
    attempting = true;
    Future<Void> step = leader ? ping() : acquire();
    return step.onComplete((v, e) -> attempting = false)
        .recover(
            e -> {
              log.debug("relay leadership attempt failed: {}", e.toString());
              demote();
              return Future.succeededFuture();
            });
  }

  private Future<Void> acquire() {
    Future<PgConnection> conn = connection != null ? Future.succeededFuture(connection) : connect();
    return conn.compose(
        c ->
            c.preparedQuery("SELECT pg_try_advisory_lock($1) AS locked")
                .execute(Tuple.of(LOCK_KEY))
                .compose(
                    rows -> {
                      if (!rows.iterator().next().getBoolean("locked")) {
                        return Future.succeededFuture();
                      }
                      return c.query("LISTEN outbox")
                          .execute()
                          .onSuccess(
                              v -> {
                                leader = true;
                                log.info("this instance is now the active outbox relay");
                                onChange.accept(true);
                              })
                          .mapEmpty();
                    }));
  }

  private Future<PgConnection> connect() {
    return PgConnection.connect(vertx, options)
        .onSuccess(
            c -> {
              connection = c;
              c.notificationHandler(n -> onNotification.run());
              c.closeHandler(
                  v -> {
                    if (connection == c) {
                      connection = null;
                      demote();
                    }
                  });
            });
  }

  private Future<Void> ping() {
    return connection == null
        ? Future.failedFuture("lock connection lost")
        : connection.query("SELECT 1").execute().mapEmpty();
  }

  private void demote() {
    if (leader) {
      leader = false;
      log.warn("this instance lost the outbox relay lock; standing by");
      onChange.accept(false);
    }
    if (connection != null) {
      PgConnection c = connection;
      connection = null;
      c.close();
    }
  }

  /** Closing the session releases the advisory lock at once, so a standby can take over. */
  Future<Void> stop() {
    stopped = true;
    leader = false;
    PgConnection c = connection;
    connection = null;
    return c == null ? Future.succeededFuture() : c.close();
  }
}
