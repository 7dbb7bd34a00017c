package dev.stockroom.common.replica;

import dev.stockroom.common.kafka.TopicSpec;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records which fields a replica copies. When a version copies a field more, the rows copied before
 * lack it: {@link ReplicaSchema#asOf} stops them borrowing their partition's watermark from that
 * moment ({@code since}), so a read that needs them current asks the owner, and the copy is
 * backfilled with a full reconciliation pass, retried at every start until one completes.
 */
final class ReplicaFields {
  private static final Logger log = LoggerFactory.getLogger(ReplicaFields.class);

  /**
   * Inserted on the first start (the rows there are, if any, were copied with these fields).
   * Updated, with {@code since} = now, only when the list names a field the recorded one lacks: an
   * older instance still running during a rolling deploy (a shorter list) changes nothing.
   */
  static final String REGISTER =
      "INSERT INTO replica_fields (replica, fields, since) VALUES ($1, $2, '-infinity')"
          + " ON CONFLICT (replica) DO UPDATE SET fields = EXCLUDED.fields,"
          + " since = statement_timestamp(), backfilled = NULL"
          + " WHERE NOT (EXCLUDED.fields <@ replica_fields.fields)";

  /**
   * The copy was away (no instance applied a watermark) for $3 seconds or more: the owner's topic
   * may have compacted away a deletion it never read ({@link TopicSpec#TOMBSTONE_RETENTION}), and
   * new watermarks would vouch for the deleted person. Its rows are then treated as rows copied
   * before a field was added: they claim only their own time until a full pass has read them all
   * again (and removed whom the owner no longer has). A copy that never had a watermark missed
   * nothing: it reads the topic from its start. The newest watermark, not the oldest: a partition
   * gone from a topic made again keeps its old row for good, and would have every start backfill.
   * (One partition whose batches failed for a day while the others moved is not seen here; its
   * freshness bound alerts long before, and the hourly reconciliation repairs what it missed.)
   */
  static final String AWAY =
      "UPDATE replica_fields SET since = statement_timestamp(), backfilled = NULL"
          + " WHERE replica = $1 AND (SELECT max(watermark) FROM replica_watermarks"
          + " WHERE topic = $2 AND watermark > 'epoch') < statement_timestamp()"
          + " - make_interval(secs => $3)";

  /** Half the time a deletion stays on the topic: well before one could be missed. */
  static final Duration AWAY_TOO_LONG = TopicSpec.TOMBSTONE_RETENTION.dividedBy(2);

  static final String PENDING =
      "SELECT since > coalesce(backfilled, '-infinity') AS pending FROM replica_fields"
          + " WHERE replica = $1";

  /** A full pass that began at $2 completed: rows older than since are all written again. */
  static final String BACKFILLED =
      "UPDATE replica_fields SET backfilled = $2 WHERE replica = $1 AND since <= $2"
          + " AND (backfilled IS NULL OR backfilled < $2)";

  private ReplicaFields() {}

  /** Registers the schema's field list; answers whether the copy still needs a backfill. */
  static Future<Boolean> register(Pool pool, ReplicaSchema schema) {
    return pool.preparedQuery(REGISTER)
        .execute(
            Tuple.tuple()
                .addString(schema.table())
                .addArrayOfString(schema.fields().toArray(String[]::new)))
        .compose(
            v ->
                pool.preparedQuery(AWAY)
                    .execute(
                        Tuple.of(
                            schema.table(), schema.topic(), (double) AWAY_TOO_LONG.toSeconds())))
        .onSuccess(
            away -> {
              if (away.rowCount() > 0) {
                // Expected after a long stop and repaired at once: information, not a warning.
                log.info(
                    "{} applied no watermark for {} hours or more: a deletion may have left the"
                        + " topic unread, so its rows claim only their own time until a full"
                        + " reconciliation has read them again (starting now)",
                    schema.table(),
                    AWAY_TOO_LONG.toHours());
              }
            })
        .compose(v -> pool.preparedQuery(PENDING).execute(Tuple.of(schema.table())))
        .map(rows -> rows.size() == 1 && rows.iterator().next().getBoolean("pending"));
  }

  /** Records that a full reconciliation pass that began at {@code start} has completed. */
  static Future<Void> backfilled(Pool pool, ReplicaSchema schema, OffsetDateTime start) {
    return pool.preparedQuery(BACKFILLED).execute(Tuple.of(schema.table(), start)).mapEmpty();
  }
}
