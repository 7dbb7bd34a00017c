package dev.stockroom.common.replica;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs reconciliation periodically, and on demand through the event bus address {@link #ADDRESS}
 * (the admin endpoint sends there); at start as well when asked to backfill (the replica's field
 * list changed). One run at a time.
 */
public final class ReplicaReconcilerVerticle extends VerticleBase {
  public static final String ADDRESS = "stockroom.replica.reconcile";
  private static final Logger log = LoggerFactory.getLogger(ReplicaReconcilerVerticle.class);

  private final Supplier<ReplicaReconciler> reconciler;
  private final Duration interval;
  private final boolean backfill;
  private ReplicaReconciler instance;
  private Future<JsonObject> running;

  public ReplicaReconcilerVerticle(
      Supplier<ReplicaReconciler> reconciler, Duration interval, boolean backfill) {
    this.reconciler = reconciler;
    this.interval = interval;
    this.backfill = backfill;
  }

  @Override
  public Future<?> start() {
    instance = reconciler.get();
    if (backfill) {
      log.info(
          "rows copied before a new field or a long absence are not vouched for by watermarks:"
              + " backfilling the copy from the owner now");
      runOnce()
          .onFailure(
              e ->
                  log.warn(
                      "backfill failed ({}); rows copied before stay unclaimed until a later"
                          + " reconciliation or start completes it",
                      e.toString()));
    }
    vertx.setPeriodic(
        interval.toMillis(),
        id ->
            runOnce()
                .onFailure(e -> log.warn("scheduled reconciliation failed: {}", e.toString())));
    return vertx.eventBus().<JsonObject>consumer(ADDRESS, this::onDemand).completion();
  }

  private void onDemand(Message<JsonObject> message) {
    runOnce()
        .onSuccess(message::reply)
        .onFailure(e -> message.fail(503, "reconciliation failed: " + e.getMessage()));
  }

  private Future<JsonObject> runOnce() {
    if (running == null || running.isComplete()) {
      running = instance.run();
    }
    return running;
  }
}
