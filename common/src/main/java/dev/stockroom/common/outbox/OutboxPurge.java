package dev.stockroom.common.outbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;

/**
 * Deletes published outbox records older than the retention, in batches, until none is left: one
 * pass keeps up with any rate the service writes at (a single capped statement per pass did not:
 * 10,000 rows per retention/10 is ~1.2 rows/s at the default, while orders writes hundreds).
 */
final class OutboxPurge {
  static final int BATCH = 10_000;
  static final String PURGE =
      "DELETE FROM outbox WHERE id = ANY(ARRAY(SELECT id FROM outbox WHERE published_at <"
          + " clock_timestamp() - make_interval(secs => $1) ORDER BY published_at LIMIT $2))";

  private OutboxPurge() {}

  /** Answers how many records were deleted. */
  static Future<Long> purge(Pool pool, Duration retention) {
    return batch(pool, retention, 0);
  }

  private static Future<Long> batch(Pool pool, Duration retention, long deletedSoFar) {
    return pool.preparedQuery(PURGE)
        .execute(Tuple.of((double) retention.toSeconds(), BATCH))
        .compose(
            rows -> {
              long deleted = deletedSoFar + rows.rowCount();
              return rows.rowCount() < BATCH
                  ? Future.succeededFuture(deleted)
                  : batch(pool, retention, deleted);
            });
  }
}
