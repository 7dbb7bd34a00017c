package dev.stockroom.common.outbox;

import dev.stockroom.common.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;

/**
 * {@code GET /admin/outbox}, for {@code stockroom.jar outbox status}: what waits to be published,
 * how old the oldest of it is, and whether any instance holds the relay lock now (any instance of
 * the service answers for all: the lock lives in its database).
 */
public final class OutboxStatus {
  private static final String STATUS =
      "SELECT count(*) AS backlog, min(created_at) AS oldest,"
          + " EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)) AS oldest_seconds,"
          + " (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
          + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
          + " AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1) AS leaders"
          + " FROM outbox WHERE published_at IS NULL";

  private final Pool pool;

  public OutboxStatus(Pool pool) {
    this.pool = pool;
  }

  public void handle(RoutingContext ctx) {
    // A bigint advisory key shows in pg_locks as its high and low 32 bits.
    long key = RelayLeadership.LOCK_KEY;
    pool.preparedQuery(STATUS)
        .execute(Tuple.of(key >>> 32, key & 0xFFFF_FFFFL))
        .map(rows -> body(rows.iterator().next()))
        .onSuccess(body -> Responses.ok(ctx, body))
        .onFailure(ctx::fail);
  }

  private static JsonObject body(Row row) {
    OffsetDateTime oldest = row.getOffsetDateTime("oldest");
    Number seconds = (Number) row.getValue("oldest_seconds");
    return new JsonObject()
        .put("backlog", row.getLong("backlog"))
        .put("oldestUnpublishedAt", oldest == null ? null : oldest.toInstant().toString())
        .put("oldestUnpublishedSeconds", seconds == null ? 0.0 : seconds.doubleValue())
        .put("relayLeader", row.getLong("leaders") > 0);
  }
}
