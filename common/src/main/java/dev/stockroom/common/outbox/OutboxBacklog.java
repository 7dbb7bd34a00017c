package dev.stockroom.common.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the relay is behind: the outbox's unpublished records and the age of the oldest, as
 * gauges (the {@code StockroomOutboxStuck} alert watches the age) and in the health check's text.
 */
final class OutboxBacklog {
  private static final Logger log = LoggerFactory.getLogger(OutboxBacklog.class);
  private static final String BACKLOG =
      "SELECT count(*) AS backlog, coalesce(extract(epoch FROM clock_timestamp() -"
          + " min(created_at)), 0) AS oldest FROM outbox WHERE published_at IS NULL";

  private final Pool pool;
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong oldestMillis = new AtomicLong();

  OutboxBacklog(Pool pool, MeterRegistry registry) {
    this.pool = pool;
    Gauge.builder("outbox_backlog", records, AtomicLong::get)
        .description("Outbox records not yet published")
        .register(registry);
    Gauge.builder("outbox_oldest_unpublished_seconds", oldestMillis, v -> v.get() / 1000.0)
        .description("Age of the oldest unpublished outbox record")
        .register(registry);
  }

  /** Counts again; a failed count keeps the last figures (and is logged at debug). */
  Future<Void> measure() {
    return pool.query(BACKLOG)
        .execute()
        .onSuccess(
            rows -> {
              Row row = rows.iterator().next();
              records.set(row.getLong("backlog"));
              oldestMillis.set((long) (row.getNumeric("oldest").doubleValue() * 1000));
            })
        .transform(
            done -> {
              if (done.failed()) {
                log.debug("outbox backlog query failed: {}", done.cause().toString());
              }
              return Future.<Void>succeededFuture();
            });
  }

  @Override
  public String toString() {
    return "backlog " + records.get() + ", oldest " + oldestMillis.get() / 1000.0 + " s";
  }
}
