package dev.stockroom.common.replica;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When {@link AppliedWatermarks} are read from the table: on request (a notification), at most one
 * read at a time and one every {@link #GAP_MS} (a burst of batches, or of forged notifications,
 * costs a read per gap, not one per batch); a read that does not answer within {@link #GIVE_UP_MS}
 * is given up (a half-open pooled connection would otherwise hold every later read back for the
 * kernel's minutes). Until some query took a snapshot, only the first read runs: a service that
 * never passes them (orders) reads nothing more. All on one event loop.
 */
final class WatermarkRefresh {
  private static final Logger log = LoggerFactory.getLogger(WatermarkRefresh.class);
  static final long GAP_MS = 25;
  static final long GIVE_UP_MS = 5_000;

  private final Vertx vertx;
  private final Pool pool;
  private final AppliedWatermarks watermarks;
  private Future<Void> inFlight;
  private boolean again;
  private long lastStarted;
  private boolean loadedOnce;

  WatermarkRefresh(Vertx vertx, Pool pool, AppliedWatermarks watermarks) {
    this.vertx = vertx;
    this.pool = pool;
    this.watermarks = watermarks;
  }

  /** A read now, or right after the one under way; its completion (never a failure). */
  Future<Void> request() {
    if (loadedOnce && !watermarks.inUse()) {
      return Future.succeededFuture();
    }
    if (inFlight != null) {
      again = true;
      return inFlight;
    }
    long wait = lastStarted + GAP_MS - System.currentTimeMillis();
    if (wait > 0) {
      Promise<Void> later = Promise.promise();
      inFlight = later.future();
      vertx.setTimer(wait, id -> read().onComplete(later));
      return inFlight;
    }
    inFlight = read();
    return inFlight;
  }

  private Future<Void> read() {
    lastStarted = System.currentTimeMillis();
    Promise<Void> done = Promise.promise();
    long timer =
        vertx.setTimer(
            GIVE_UP_MS,
            id -> {
              log.debug("the applied watermarks' read did not answer in {} ms", GIVE_UP_MS);
              done.tryComplete();
            });
    watermarks
        .load(pool)
        .onComplete(
            ar -> {
              vertx.cancelTimer(timer);
              if (ar.failed()) {
                log.debug("cannot read the applied watermarks now: {}", ar.cause().toString());
              } else {
                loadedOnce = true;
              }
              done.tryComplete();
            });
    return done.future()
        .onComplete(
            v -> {
              inFlight = null;
              if (again) {
                again = false;
                request();
              }
            });
  }
}
