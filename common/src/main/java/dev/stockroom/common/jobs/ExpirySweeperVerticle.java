package dev.stockroom.common.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back commitments whose time is up (credit holds, reservations), so what an abandoned or
 * failed saga took comes back, and measures the commitments by state. One sweep at a time; batch
 * after batch while batches come back full. Safe with several instances when {@code expire} locks
 * its rows with SKIP LOCKED.
 */
public final class ExpirySweeperVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ExpirySweeperVerticle.class);
  private static final int BATCH = 500;

  /**
   * What to sweep.
   *
   * @param name the metric names: {@code <name>_expired_total} and {@code <name>{state}}
   * @param expire expires up to the given number and answers how many it expired
   * @param byStateSql answers (state, count) rows
   */
  public record Sweep(
      String name, List<String> states, IntFunction<Future<Integer>> expire, String byStateSql) {}

  private final Pool pool;
  private final MeterRegistry registry;
  private final Duration interval;
  private final Sweep sweep;
  private final Map<String, AtomicLong> byState = new ConcurrentHashMap<>();
  private Counter expired;
  private boolean sweeping;

  public ExpirySweeperVerticle(Pool pool, MeterRegistry registry, Duration interval, Sweep sweep) {
    this.pool = pool;
    this.registry = registry;
    this.interval = interval;
    this.sweep = sweep;
  }

  @Override
  public Future<?> start() {
    expired =
        Counter.builder(sweep.name() + "_expired_total")
            .description("Commitments released by the sweeper after their deadline")
            .register(registry);
    sweep.states().forEach(this::gauge);
    vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> run());
    return Future.succeededFuture();
  }

  private AtomicLong gauge(String state) {
    return byState.computeIfAbsent(
        state,
        s -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder(sweep.name(), value, AtomicLong::get).tag("state", s).register(registry);
          return value;
        });
  }

  private void run() {
    // A slow database must not pile up overlapping sweeps.
    if (sweeping) {
      return;
    }
    sweeping = true;
    expireAll(0)
        .onSuccess(
            count -> {
              if (count > 0) {
                log.info("released {} expired {}", count, sweep.name().replace('_', ' '));
              }
            })
        .compose(count -> pool.query(sweep.byStateSql()).execute())
        .onSuccess(
            rows -> {
              byState.values().forEach(v -> v.set(0));
              for (Row row : rows) {
                gauge(row.getString(0)).set(row.getLong(1));
              }
            })
        .onFailure(e -> log.warn("{} sweep failed: {}", sweep.name(), e.toString()))
        .onComplete((v, e) -> sweeping = false);
  }

  private Future<Integer> expireAll(int sofar) {
    return sweep
        .expire()
        .apply(BATCH)
        .compose(
            count -> {
              expired.increment(count);
              return count == BATCH
                  ? expireAll(sofar + count)
                  : Future.succeededFuture(sofar + count);
            });
  }
}
