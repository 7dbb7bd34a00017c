package dev.stockroom.common.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back commitments whose time is up (credit holds, reservations), so what an abandoned or
 * failed saga took comes back; deletes settled ones once they are older than the retention, so the
 * table holds what is live plus a bounded history; and measures the live ones. Every statement is
 * bounded by an index over what it reads (live holds, or settled rows past the retention), never by
 * the table's size. One sweep at a time; batch after batch while batches come back full. Safe with
 * several instances when {@code expire} locks its rows with SKIP LOCKED.
 */
public final class ExpirySweeperVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ExpirySweeperVerticle.class);
  private static final int BATCH = 500;

  /**
   * Deletes up to {@code batch} settled commitments older than {@code retention}; answers how many.
   */
  @FunctionalInterface
  public interface Purge {
    Future<Integer> purge(Duration retention, int batch);
  }

  /**
   * What to sweep.
   *
   * @param name the metric names: {@code <name>_expired_total}, {@code <name>_purged_total} and
   *     {@code <name>{state="HELD"}}
   * @param expire expires up to the given number and answers how many it expired
   * @param liveCountSql answers one row: how many are live (HELD)
   * @param purge deletes settled ones past the retention
   */
  public record Sweep(
      String name, IntFunction<Future<Integer>> expire, String liveCountSql, Purge purge) {}

  private final Pool pool;
  private final MeterRegistry registry;
  private final Duration interval;
  private final Duration retention;
  private final Sweep sweep;
  private final AtomicLong live = new AtomicLong();
  private Counter expired;
  private Counter purged;
  private boolean sweeping;

  public ExpirySweeperVerticle(
      Pool pool, MeterRegistry registry, Duration interval, Duration retention, Sweep sweep) {
    this.pool = pool;
    this.registry = registry;
    this.interval = interval;
    this.retention = retention;
    this.sweep = sweep;
  }

  @Override
  public Future<?> start() {
    expired =
        Counter.builder(sweep.name() + "_expired_total")
            .description("Commitments released by the sweeper after their deadline")
            .register(registry);
    purged =
        Counter.builder(sweep.name() + "_purged_total")
            .description("Settled commitments deleted after the retention")
            .register(registry);
    Gauge.builder(sweep.name(), live, AtomicLong::get)
        .description("Live (HELD) commitments")
        .tag("state", "HELD")
        .register(registry);
    vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> run());
    return Future.succeededFuture();
  }

  private void run() {
    // A slow database must not pile up overlapping sweeps.
    if (sweeping) {
      return;
    }
    sweeping = true;
    repeat(sweep.expire(), expired, 0)
        .onSuccess(
            count -> {
              if (count > 0) {
                log.info("released {} expired {}", count, sweep.name().replace('_', ' '));
              }
            })
        .compose(v -> repeat(batch -> sweep.purge().purge(retention, batch), purged, 0))
        .compose(v -> pool.query(sweep.liveCountSql()).execute())
        .onSuccess(rows -> live.set(rows.iterator().next().getLong(0)))
        .onFailure(e -> log.warn("{} sweep failed: {}", sweep.name(), e.toString()))
        .onComplete((v, e) -> sweeping = false);
  }

  /** Runs {@code step} batch after batch while batches come back full. */
  private static Future<Integer> repeat(
      IntFunction<Future<Integer>> step, Counter counter, int sofar) {
    return step.apply(BATCH)
        .compose(
            count -> {
              counter.increment(count);
              return count == BATCH
                  ? repeat(step, counter, sofar + count)
                  : Future.succeededFuture(sofar + count);
            });
  }
}
