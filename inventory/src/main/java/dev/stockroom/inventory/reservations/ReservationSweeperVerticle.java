package dev.stockroom.inventory.reservations;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.service.ServiceContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases reservations whose time is up, so stock an abandoned or failed saga took comes back.
 * Safe with several instances: each batch locks its rows with SKIP LOCKED. Also measures
 * reservations by state.
 */
public final class ReservationSweeperVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ReservationSweeperVerticle.class);
  private static final int BATCH = 500;
  private static final String[] STATES = {"HELD", "CONFIRMED", "RELEASED", "EXPIRED"};

  private final ServiceContext service;
  private final Duration interval;
  private final ReservationStore store;
  private final Map<String, AtomicLong> byState = new ConcurrentHashMap<>();
  private Counter expired;
  private boolean sweeping;

  public ReservationSweeperVerticle(ServiceContext service, Duration interval) {
    this.service = service;
    this.interval = interval;
    this.store = new ReservationStore(service.pool());
  }

  @Override
  public Future<?> start() {
    if (interval.toMillis() < 1) {
      return Future.failedFuture(
          new ConfigException("RESERVATION_SWEEP_INTERVAL must be at least 1ms, got " + interval));
    }
    MeterRegistry registry = service.metrics().registry();
    expired =
        Counter.builder("reservations_expired_total")
            .description("HELD reservations released by the sweeper after their deadline")
            .register(registry);
    for (String state : STATES) {
      AtomicLong value = byState.computeIfAbsent(state, s -> new AtomicLong());
      Gauge.builder("reservations", value, AtomicLong::get).tag("state", state).register(registry);
    }
    vertx.setPeriodic(interval.toMillis(), id -> sweep());
    return Future.succeededFuture();
  }

  private void sweep() {
    // One sweep at a time: a slow database must not pile up overlapping sweeps.
    if (sweeping) {
      return;
    }
    sweeping = true;
    expireAll(0)
        .onSuccess(
            count -> {
              if (count > 0) {
                log.info("released {} expired reservations", count);
              }
            })
        .compose(count -> service.pool().query(ReservationSql.BY_STATE).execute())
        .onSuccess(
            rows -> {
              byState.values().forEach(v -> v.set(0));
              for (Row row : rows) {
                byState
                    .computeIfAbsent(row.getString("status"), s -> new AtomicLong())
                    .set(row.getLong("reservations"));
              }
            })
        .onFailure(e -> log.warn("reservation sweep failed: {}", e.toString()))
        .onComplete((v, e) -> sweeping = false);
  }

  /** Batch after batch while batches come back full, so a backlog clears in one sweep. */
  private Future<Integer> expireAll(int sofar) {
    return store
        .expire(BATCH)
        .compose(
            count -> {
              expired.increment(count);
              return count == BATCH
                  ? expireAll(sofar + count)
                  : Future.succeededFuture(sofar + count);
            });
  }
}
