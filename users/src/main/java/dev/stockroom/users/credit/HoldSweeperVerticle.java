package dev.stockroom.users.credit;

import dev.stockroom.common.service.ServiceContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases holds whose time is up, so credit a failed or abandoned saga took comes back. Safe with
 * several instances: each batch locks its rows with SKIP LOCKED. Also measures holds by state.
 */
public final class HoldSweeperVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(HoldSweeperVerticle.class);
  private static final int BATCH = 500;
  private static final String[] STATES = {"HELD", "CAPTURED", "RELEASED", "EXPIRED"};

  private final ServiceContext service;
  private final Duration interval;
  private final Map<String, AtomicLong> byState = new ConcurrentHashMap<>();
  private Counter expired;
  private boolean sweeping;

  public HoldSweeperVerticle(ServiceContext service, Duration interval) {
    this.service = service;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    MeterRegistry registry = service.metrics().registry();
    expired = Counter.builder("credit_holds_expired_total").register(registry);
    for (String state : STATES) {
      AtomicLong value = byState.computeIfAbsent(state, s -> new AtomicLong());
      Gauge.builder("credit_holds", value, AtomicLong::get).tag("state", state).register(registry);
    }
    vertx.setPeriodic(interval.toMillis(), id -> sweep());
    return Future.succeededFuture();
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    service
        .pool()
        .preparedQuery(HoldStore.EXPIRE)
        .execute(Tuple.of(BATCH))
        .map(rows -> rows.iterator().next().getLong("expired"))
        .onSuccess(
            count -> {
              if (count > 0) {
                expired.increment(count);
                log.info("released {} expired credit holds", count);
              }
            })
        .compose(count -> service.pool().query(HoldStore.BY_STATE).execute())
        .onSuccess(
            rows -> {
              byState.values().forEach(v -> v.set(0));
              for (Row row : rows) {
                byState
                    .computeIfAbsent(row.getString("status"), s -> new AtomicLong())
                    .set(row.getLong("holds"));
              }
            })
        .onFailure(e -> log.warn("credit hold sweep failed: {}", e.toString()))
        .onComplete((v, e) -> sweeping = false);
  }
}
