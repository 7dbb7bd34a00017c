package dev.stockroom.orders.saga;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sagas in flight and the age of the oldest one, as gauges an alert can use ("a saga older than
 * ORDER_SAGA_DEADLINE"). Counted in the database, so every instance reports the same numbers; the
 * partial index on unfinished sagas keeps the count proportional to them, not to all orders.
 */
public final class SagaBacklogVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SagaBacklogVerticle.class);
  static final String IN_FLIGHT =
      "SELECT count(*) AS sagas, coalesce(extract(epoch FROM now() - min(created_at)), 0)"
          + " AS oldest FROM orders WHERE step <> 'DONE'";

  private final Pool pool;
  private final MeterRegistry registry;
  private final Duration interval;
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong oldestMillis = new AtomicLong();

  public SagaBacklogVerticle(Pool pool, MeterRegistry registry, Duration interval) {
    this.pool = pool;
    this.registry = registry;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    Gauge.builder("orders_sagas_in_flight", inFlight, AtomicLong::get)
        .description("Orders whose saga has not finished (PENDING, or REJECTED and compensating)")
        .register(registry);
    Gauge.builder("orders_saga_oldest_seconds", oldestMillis, v -> v.get() / 1000.0)
        .description("Age of the oldest unfinished saga")
        .register(registry);
    vertx.setPeriodic(interval.toMillis(), id -> measure());
    return measure();
  }

  private Future<Void> measure() {
    return pool.query(IN_FLIGHT)
        .execute()
        .<Void>map(
            rows -> {
              Row row = rows.iterator().next();
              inFlight.set(row.getLong("sagas"));
              oldestMillis.set((long) (row.getNumeric("oldest").doubleValue() * 1000));
              return null;
            })
        .recover(
            e -> {
              log.debug("counting sagas in flight failed: {}", e.toString());
              return Future.succeededFuture();
            });
  }
}
