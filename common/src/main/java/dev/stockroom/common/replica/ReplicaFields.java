package dev.stockroom.common.replica;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;

/**
 * Records which fields a replica copies. When a version copies a field more, the rows copied before
 * lack it: {@link ReplicaSchema#asOf} stops them borrowing their partition's watermark from that
 * moment ({@code since}), so a read that needs them current asks the owner, and the copy is
 * backfilled with a full reconciliation pass, retried at every start until one completes.
 */
final class ReplicaFields {
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
        .compose(v -> pool.preparedQuery(PENDING).execute(Tuple.of(schema.table())))
        .map(rows -> rows.size() == 1 && rows.iterator().next().getBoolean("pending"));
  }

  /** Records that a full reconciliation pass that began at {@code start} has completed. */
  static Future<Void> backfilled(Pool pool, ReplicaSchema schema, OffsetDateTime start) {
    return pool.preparedQuery(BACKFILLED).execute(Tuple.of(schema.table(), start)).mapEmpty();
  }
}
