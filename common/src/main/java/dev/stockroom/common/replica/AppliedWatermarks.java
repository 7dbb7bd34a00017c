package dev.stockroom.common.replica;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The watermarks applied to a replica, as this process last read them from {@code
 * replica_watermarks}: when {@link ReplicaProgress} begins to listen, at every batch any instance
 * applies (its commit's notification says only that one was), and every second ({@link
 * WatermarkRefresh}). A query passes a {@link #snapshot()} instead of joining the table for every
 * row, which was most of what freshness cost PostgreSQL per report.
 *
 * <p>Why claims stay true: a watermark only ever rises, and this holds only values read from the
 * table (never from a notification, which anyone who can connect may send), so it is never ahead of
 * it; a snapshot taken BEFORE the query that reads the rows was committed before that query's own
 * database snapshot, which therefore holds every event the watermarks vouch for. Taken after the
 * query, a watermark raised in between could vouch for a change the rows read do not have. Behind
 * the table (a notification not yet read, a listener reconnecting), a copy claims less freshness,
 * never more, for a second at most.
 */
public final class AppliedWatermarks {
  private static final OffsetDateTime[] NONE = new OffsetDateTime[0];

  private final String topic;
  private final String replica;
  private volatile OffsetDateTime[] byPartition = NONE;
  private volatile OffsetDateTime since;
  private volatile boolean inUse;

  public AppliedWatermarks(ReplicaSchema schema) {
    this.topic = schema.topic();
    this.replica = schema.table();
  }

  /**
   * What a query passes: the watermark of each partition (index = partition, null where none) and
   * when the replica's field list last grew (rows synced before then borrow no watermark).
   */
  public record Snapshot(OffsetDateTime[] watermarks, OffsetDateTime since) {}

  /** Take it before the query that reads the rows; see the class comment. */
  public Snapshot snapshot() {
    if (!inUse) {
      // Written once, not by every report: a write per request would bounce the field's cache
      // line between the event loops' cores.
      inUse = true;
    }
    return new Snapshot(byPartition, since);
  }

  /** Whether a query has taken a snapshot: a service that never does needs no more reads. */
  boolean inUse() {
    return inUse;
  }

  /** The whole table and the field list's date, as committed now; merged, never lowered. */
  public Future<Void> load(SqlClient client) {
    return client
        .preparedQuery("SELECT partition, watermark FROM replica_watermarks WHERE topic = $1")
        .execute(Tuple.of(topic))
        .compose(
            rows -> {
              Map<Integer, Instant> read = new HashMap<>();
              for (Row r : rows) {
                read.put(r.getInteger("partition"), r.getOffsetDateTime("watermark").toInstant());
              }
              raise(read);
              // -infinity (fields never grew) as the year 1: before every synced_at, and a value
              // the client passes back as it reads it.
              return client
                  .preparedQuery(
                      "SELECT greatest(since, '0001-01-01T00:00:00Z') AS since FROM replica_fields"
                          + " WHERE replica = $1")
                  .execute(Tuple.of(replica));
            })
        .map(
            rows -> {
              // No row (not registered yet): null, and no row borrows a watermark.
              since = rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime("since");
              return null;
            });
  }

  /** Watermarks read from the table; merged, never lowered. */
  private synchronized void raise(Map<Integer, Instant> applied) {
    if (applied.isEmpty()) {
      return;
    }
    int size = byPartition.length;
    for (int partition : applied.keySet()) {
      size = Math.max(size, partition + 1);
    }
    OffsetDateTime[] next = Arrays.copyOf(byPartition, size);
    applied.forEach(
        (partition, at) -> {
          if (partition < 0) {
            return;
          }
          OffsetDateTime candidate = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
          if (next[partition] == null || candidate.isAfter(next[partition])) {
            next[partition] = candidate;
          }
        });
    byPartition = next;
  }
}
