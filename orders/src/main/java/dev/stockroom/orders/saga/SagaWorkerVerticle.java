package dev.stockroom.orders.saga;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumes sagas nobody is driving: retries that came due, and sagas whose instance crashed (their
 * lease ran out). Several instances run side by side; SKIP LOCKED and leases keep them apart.
 */
public final class SagaWorkerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SagaWorkerVerticle.class);
  private static final int BATCH = 50;

  private final Supplier<SagaEngine> engines;
  private final Duration interval;
  private static final long WARN_EVERY_NANOS = Duration.ofSeconds(30).toNanos();

  private SagaEngine engine;
  private boolean busy;
  private int failedRounds;
  private long lastWarningNanos;

  public SagaWorkerVerticle(Supplier<SagaEngine> engines, Duration interval) {
    this.engines = engines;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    engine = engines.get();
    vertx.setPeriodic(interval.toMillis(), id -> tick());
    return Future.succeededFuture();
  }

  private void tick() {
    if (busy) {
      return;
    }
    busy = true;
    engine
        .driveDue(BATCH)
        .onComplete(
            (n, e) -> {
              busy = false;
              if (e == null) {
                recovered();
              } else {
                failed(e);
              }
            });
  }

  /**
   * It ticks every few hundred milliseconds: while the database is away, say so once and then every
   * 30 s with a count, not on every tick.
   */
  private void failed(Throwable e) {
    failedRounds++;
    long now = System.nanoTime();
    if (failedRounds == 1 || now - lastWarningNanos > WARN_EVERY_NANOS) {
      lastWarningNanos = now;
      log.warn(
          "saga worker cannot claim due sagas ({} rounds so far): {}", failedRounds, e.toString());
    }
  }

  private void recovered() {
    if (failedRounds > 0) {
      log.info("saga worker claims sagas again after {} failed rounds", failedRounds);
      failedRounds = 0;
    }
  }
}
