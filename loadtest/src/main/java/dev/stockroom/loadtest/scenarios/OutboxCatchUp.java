package dev.stockroom.loadtest.scenarios;

import dev.stockroom.loadtest.BenchContext;
import dev.stockroom.loadtest.Db;
import java.time.Duration;
import java.util.Locale;

/**
 * From Kafka's return on, while the load goes on: how long until users' outbox backlog is published
 * (the replicas then apply it within the usual lag). The backlog is every row written before Kafka
 * was back (ids up to the highest then): an empty outbox would also wait for the writes that keep
 * coming, and on a busy machine the relay is rarely so far ahead that a sample finds none (21–28 s
 * "to publish the backlog" here, of a relay that was publishing again within 3 s). Watches on a
 * thread of its own.
 */
final class OutboxCatchUp {
  private final BenchContext ctx;
  private final Db usersDb;
  private final Thread watcher = new Thread(this::watch, "kafka-catch-up");
  private static final String BACKLOG_UP_TO =
      "SELECT count(*) FROM outbox WHERE published_at IS NULL AND id <= ?";
  private volatile long restartedAt;
  private volatile long lastIdAtRestart;
  private volatile long backlogAtRestart;
  private volatile double drainedAfter = Double.NaN;

  OutboxCatchUp(BenchContext ctx) {
    this.ctx = ctx;
    this.usersDb = ctx.usersDb();
  }

  /** Events users has written but not yet published to Kafka. */
  long backlog() {
    return usersDb.scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL");
  }

  /** Kafka is back now: the backlog is what is unpublished up to the newest row. */
  void kafkaRestarted() {
    restartedAt = System.currentTimeMillis();
    lastIdAtRestart = usersDb.scalar("SELECT coalesce(max(id), 0) FROM outbox");
    backlogAtRestart = usersDb.scalar(BACKLOG_UP_TO, lastIdAtRestart);
    watcher.start();
  }

  private void watch() {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (usersDb.scalar(BACKLOG_UP_TO, lastIdAtRestart) == 0) {
        drainedAfter = (System.currentTimeMillis() - restartedAt) / 1000.0;
        return;
      }
      ctx.pause(100);
    }
  }

  /** Waits for the watch to end (at once when Kafka never came back) and says how it went. */
  String awaitOutcome() {
    try {
      watcher.join(Duration.ofSeconds(130).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Double.isNaN(drainedAfter)
        ? "users' outbox backlog was NOT published within 120 s of Kafka's return"
        : String.format(
            Locale.ROOT,
            "users' outbox backlog (%d events when Kafka came back) was published %.1f s"
                + " after Kafka was back, while the load went on",
            backlogAtRestart,
            drainedAfter);
  }
}
