package dev.stockroom.common.replica;

import dev.stockroom.common.http.Responses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * {@code GET /admin/replica}, for {@code stockroom.jar replica status}: the copy's size and, per
 * partition of the owner's topic, the last watermark applied and its age; the largest age is the
 * bound every {@code stale: false} answer is within; and the progress of this instance's last
 * rebuild ({@link ReplicaRebuild}).
 */
public final class ReplicaStatus {
  private static final String WATERMARKS =
      "SELECT partition, watermark,"
          + " EXTRACT(EPOCH FROM clock_timestamp() - watermark) AS age_seconds"
          + " FROM replica_watermarks WHERE topic = $1 ORDER BY partition";

  private final Pool pool;
  private final ReplicaSchema schema;
  private final ReplicaRebuild rebuild;
  private final String countRows;

  public ReplicaStatus(Pool pool, ReplicaSchema schema, ReplicaRebuild rebuild) {
    this.pool = pool;
    this.schema = schema;
    this.rebuild = rebuild;
    // The table name comes from the service's own schema constant, never from a request.
    this.countRows = "SELECT count(*) AS n FROM " + schema.table();
  }

  public void handle(RoutingContext ctx) {
    pool.preparedQuery(WATERMARKS)
        .execute(Tuple.of(schema.topic()))
        .compose(
            watermarks ->
                pool.query(countRows)
                    .execute()
                    .map(count -> body(watermarks, count.iterator().next().getLong("n"))))
        .onSuccess(body -> Responses.ok(ctx, body))
        .onFailure(ctx::fail);
  }

  private JsonObject body(RowSet<Row> watermarks, long rows) {
    JsonArray partitions = new JsonArray();
    double bound = 0;
    for (Row row : watermarks) {
      double age = ((Number) row.getValue("age_seconds")).doubleValue();
      bound = Math.max(bound, age);
      partitions.add(
          new JsonObject()
              .put("partition", row.getInteger("partition"))
              .put("watermark", row.getOffsetDateTime("watermark").toInstant().toString())
              .put("ageSeconds", age));
    }
    return new JsonObject()
        .put("replica", schema.table())
        .put("topic", schema.topic())
        .put("rows", rows)
        .put("partitions", partitions)
        .put("freshnessBoundSeconds", partitions.isEmpty() ? null : bound)
        .put("rebuild", rebuild.state());
  }
}
