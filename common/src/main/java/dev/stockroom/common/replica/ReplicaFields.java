package dev.stockroom.common.replica;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Records which fields a replica copies. When the list changed (a new version copies a field more),
 * the rows copied before lack it: {@link ReplicaSchema#asOf} stops them borrowing their partition's
 * watermark from that moment, so a read that needs them current asks the owner, and the consuming
 * service backfills the whole copy with one reconciliation pass.
 */
final class ReplicaFields {
  /**
   * Inserted on the first start (the rows there are, if any, were copied with these fields);
   * updated, with {@code since} = now, only when the list differs. Several instances starting at
   * once: one of them updates, the others find the list current.
   */
  static final String REGISTER =
      "INSERT INTO replica_fields (replica, fields, since) VALUES ($1, $2, '-infinity')"
          + " ON CONFLICT (replica) DO UPDATE SET fields = EXCLUDED.fields,"
          + " since = statement_timestamp() WHERE replica_fields.fields IS DISTINCT FROM"
          + " EXCLUDED.fields RETURNING (xmax <> 0) AS changed";

  private ReplicaFields() {}

  /** Whether this start changed the field list (and so the copy needs a backfill). */
  static Future<Boolean> register(Pool pool, ReplicaSchema schema) {
    return pool.preparedQuery(REGISTER)
        .execute(
            Tuple.tuple()
                .addString(schema.table())
                .addArrayOfString(schema.fields().toArray(String[]::new)))
        .map(rows -> rows.size() == 1 && rows.iterator().next().getBoolean("changed"));
  }
}
