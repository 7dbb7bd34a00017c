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
  private SagaEngine engine;
  private boolean busy;

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
        .onFailure(e -> log.warn("saga worker: {}", e.toString()))
        .onComplete((n, e) -> busy = false);
  }
}
