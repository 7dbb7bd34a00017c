package dev.stockroom.common.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness says only that the process answers (it never checks dependencies, so a database outage
 * does not get pods restarted); readiness checks the database and turns 503 the moment shutdown
 * begins, so load balancers stop sending traffic before the server stops accepting it.
 */
public final class Health {
  private static final Logger log = LoggerFactory.getLogger(Health.class);
  private final Pool pool;

  /** Whether the last readiness check found the database down: its reason is logged once. */
  private final AtomicBoolean databaseDown = new AtomicBoolean();

  private final Duration checkTimeout;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private final Map<String, Supplier<String>> checks = new ConcurrentSkipListMap<>();

  public Health(Pool pool, Duration checkTimeout) {
    this.pool = pool;
    this.checkTimeout = checkTimeout;
  }

  /**
   * {@code database_reachable}: what the last readiness check found (1 before any, the start having
   * waited for the database). The outbox's and the copies' gauges keep their last values while the
   * database is away, so no other alert can say so; a kubelet probes every few seconds.
   */
  public void bindMeters(MeterRegistry registry) {
    Gauge.builder("database_reachable", databaseDown, down -> down.get() ? 0 : 1)
        .description("1 when the last readiness check reached the database, 0 when it did not")
        .register(registry);
  }

  /**
   * Adds a dependency to the readiness body. Informational: only the database decides readiness,
   * since a service serves its API without Kafka (its writes wait in the outbox, its copies are
   * read through the owner or flagged stale). The supplier must answer at once, from memory.
   */
  public void addCheck(String name, Supplier<String> state) {
    checks.put(name, state);
  }

  public void markStarted() {
    started.set(true);
  }

  public void beginDraining() {
    draining.set(true);
  }

  public boolean isDraining() {
    return draining.get();
  }

  public void live(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("status", "up"));
  }

  public void ready(RoutingContext ctx) {
    if (draining.get()) {
      json(ctx, 503, new JsonObject().put("status", "draining"));
      return;
    }
    if (!started.get()) {
      json(ctx, 503, new JsonObject().put("status", "starting"));
      return;
    }
    // The reason goes to the log, not the body: probes answer anyone, and the driver's text
    // names the database's address, user and database.
    database()
        .onSuccess(
            v -> {
              if (databaseDown.compareAndSet(true, false)) {
                log.info("readiness: the database answers again");
              }
              json(ctx, 200, checks("up", "up"));
            })
        .onFailure(
            e -> {
              if (databaseDown.compareAndSet(false, true)) {
                log.warn("readiness: the database does not answer: {}", e.toString());
              }
              json(ctx, 503, checks("down", "down"));
            });
  }

  private Future<Void> database() {
    return pool.query("SELECT 1")
        .execute()
        .timeout(checkTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  private JsonObject checks(String status, String database) {
    JsonObject all = new JsonObject().put("database", database);
    checks.forEach((name, state) -> all.put(name, state.get()));
    return new JsonObject().put("status", status).put("checks", all);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
