package dev.stockroom.common.outbox;

import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * The relay's cycles nobody asked for: a watermark shortly after changes went out, and looks at the
 * outbox for a while after a cycle that published. A write behind an event still waiting sends no
 * notification (V4 of the outbox's migrations: notifying commits queue on one cluster-wide lock),
 * so one that commits after the relay's last look is found by these looks. Used on the relay's
 * context only.
 */
final class RelayFollowUps {
  private static final long FOLLOW_UP_MS = 20;
  private static final long LOOK_AGAIN_FOR_NANOS = Duration.ofSeconds(1).toNanos();

  private final Vertx vertx;
  private final Runnable watermarkCycle;
  private final Runnable cycle;
  private boolean watermarkPending;
  private boolean lookPending;
  private long lastPublishedNanos = System.nanoTime() - LOOK_AGAIN_FOR_NANOS;

  /**
   * @param watermarkCycle runs a cycle that also publishes watermarks
   * @param cycle runs a cycle
   */
  RelayFollowUps(Vertx vertx, Runnable watermarkCycle, Runnable cycle) {
    this.vertx = vertx;
    this.watermarkCycle = watermarkCycle;
    this.cycle = cycle;
  }

  /**
   * A watermark shortly after changes went out: it is then later than the consistency tokens their
   * writers were handed after commit, so a read with such a token finds the replica caught up
   * within milliseconds instead of at the next periodic watermark.
   */
  void watermarkSoon() {
    if (watermarkPending) {
      return;
    }
    watermarkPending = true;
    vertx.setTimer(
        FOLLOW_UP_MS,
        id -> {
          watermarkPending = false;
          watermarkCycle.run();
        });
  }

  /** A cycle published: a watermark soon, and looks for the next second. */
  void published() {
    lastPublishedNanos = System.nanoTime();
    watermarkSoon();
  }

  /** A cycle found nothing: another look shortly, within a second of the last that published. */
  void idle() {
    if (lookPending || System.nanoTime() - lastPublishedNanos >= LOOK_AGAIN_FOR_NANOS) {
      return;
    }
    lookPending = true;
    vertx.setTimer(
        FOLLOW_UP_MS,
        id -> {
          lookPending = false;
          cycle.run();
        });
  }
}
