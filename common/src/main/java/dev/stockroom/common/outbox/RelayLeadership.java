package dev.stockroom.common.outbox;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly one active relay per database: the one holding a session-level advisory lock on its own
 * connection. If that process dies, PostgreSQL ends the session (at once, or when the session has
 * been idle too long: {@link #sessionOptions}), the lock is released, and a standby takes it on its
 * next attempt. The same connection LISTENs for outbox notifications.
 *
 * <p>The leader pings its session with a timeout shorter than a standby's retry interval: when the
 * session cannot be confirmed it steps down (and stops publishing) at once. What it published in
 * the meantime cannot land after a successor's records: Kafka's transactional fencing sees to that
 * ({@link OutboxRelayVerticle}), and the outbox rows are marked published on this session, so a
 * leader whose session is gone cannot claim them.
 */
final class RelayLeadership {
  private static final Logger log = LoggerFactory.getLogger(RelayLeadership.class);
  private static final int FAILURES_BEFORE_WARNING = 3;
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** A fixed key: one relay per database, whatever the service. */
  static final long LOCK_KEY = 0x5354_4f43_4b52_4f4dL; // "STOCKROM"

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final Duration pingTimeout;
  private final Consumer<Boolean> onChange;
  private final Consumer<String> onNotification;
  private final Counter failuresCounter;
  private PgConnection connection;
  private boolean leader;
  private boolean attempting;
  private boolean stopped;
  private int failures;
  private long lastWarningNanos;

  RelayLeadership(
      Vertx vertx,
      PgConnectOptions options,
      Duration pingTimeout,
      Counter failuresCounter,
      Consumer<Boolean> onChange,
      Consumer<String> onNotification) {
    this.vertx = vertx;
    this.options = options;
    this.pingTimeout = pingTimeout;
    this.failuresCounter = failuresCounter;
    this.onChange = onChange;
    this.onNotification = onNotification;
  }

  /**
   * The lock's session ends on the server when it has been idle for five of the leader's pings (at
   * least 10 s): a leader cut off without a word (its node lost power, a network dropping packets)
   * sends no FIN, and PostgreSQL would otherwise hold its session, and the lock, until TCP
   * keepalive gives up (about two hours by default), publishing nothing meanwhile. The leader and
   * the standbys use their sessions every {@code retry}, so a live one is never idle that long.
   *
   * <p>The only writes on the session are the marks of published rows, and they commit without
   * waiting for their WAL flush ({@code synchronous_commit=off}): a mark lost in a crash of
   * PostgreSQL leaves its rows unpublished, so the next leader publishes them again, which the
   * consumers' version-guarded upserts absorb, as they do every republished event. Waiting for the
   * flush took 4-10 ms of each cycle on a busy machine, and every change behind it waited too.
   */
  static PgConnectOptions sessionOptions(PgConnectOptions connect, Duration retry) {
    long idleMillis = Math.max(Duration.ofSeconds(10).toMillis(), 5 * retry.toMillis());
    return new PgConnectOptions(connect)
        .addProperty("idle_session_timeout", idleMillis + "ms")
        .addProperty("synchronous_commit", "off");
  }

  boolean isLeader() {
    return leader;
  }

  /** The session holding the lock: statements that must prove leadership run on it. */
  Future<SqlClient> session() {
    PgConnection c = connection;
    return leader && c != null
        ? Future.succeededFuture(c)
        : Future.failedFuture("this instance no longer holds the outbox relay lock");
  }

  /** Tries to become the leader, or (as leader) checks the lock's session is still alive. */
  Future<Void> attempt() {
    if (stopped || attempting) {
      return Future.succeededFuture();
    }
    attempting = true;
    Future<Void> step = leader ? ping() : acquire();
    return step.onComplete((v, e) -> attempting = false)
        .onSuccess(v -> failures = 0)
        .recover(
            e -> {
              failed(e);
              demote();
              return Future.succeededFuture();
            });
  }

  /**
   * Gives the lock up (e.g. after being fenced by another leader); a later attempt may retake it.
   */
  void resign() {
    demote();
  }

  private void failed(Throwable e) {
    failures++;
    failuresCounter.increment();
    long now = System.nanoTime();
    if (failures >= FAILURES_BEFORE_WARNING && now - lastWarningNanos > WARN_EVERY_NANOS) {
      lastWarningNanos = now;
      log.warn(
          "cannot hold the outbox relay lock ({} attempts in a row failed), nothing is published"
              + " from this instance: {}",
          failures,
          e.toString());
    } else {
      log.debug("relay leadership attempt failed: {}", e.toString());
    }
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
              c.notificationHandler(n -> onNotification.accept(n.getPayload()));
              // Without a handler the client prints the failure to stderr; the close that
              // follows it demotes this instance, which says so.
              c.exceptionHandler(e -> log.debug("relay lock connection failed: {}", e.toString()));
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
        : connection
            .query("SELECT 1")
            .execute()
            .timeout(pingTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .mapEmpty();
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
