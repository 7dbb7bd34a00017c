package dev.stockroom.common.replica;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads and writes of the local copy; the sync path is the only writer. */
public final class ReplicaStore {
  private final Pool pool;
  private final ReplicaSchema schema;
  private final ReplicaSql sql;

  public ReplicaStore(Pool pool, ReplicaSchema schema) {
    this.pool = pool;
    this.schema = schema;
    this.sql = new ReplicaSql(schema);
  }

  public ReplicaSchema schema() {
    return schema;
  }

  Pool pool() {
    return pool;
  }

  ReplicaSql sql() {
    return sql;
  }

  /** The local rows for these ids, with their freshness bound; absent ids are simply missing. */
  public Future<Map<UUID, LocalRow>> read(Collection<UUID> ids) {
    return pool.preparedQuery(sql.lookup)
        .execute(Tuple.of(ids.toArray(UUID[]::new), schema.topic()))
        .map(
            rows -> {
              Map<UUID, LocalRow> result = new HashMap<>();
              rows.forEach(row -> result.put(row.getUUID("id"), localRow(row, "")));
              return result;
            });
  }

  /**
   * A local row from a query that selected the replica's columns, optionally prefixed (the
   * low-stock report selects them as {@code s_name}, {@code s_version}, ...).
   */
  public LocalRow localRow(Row row, String prefix) {
    JsonObject data = new JsonObject();
    boolean deleted = Boolean.TRUE.equals(row.getBoolean(prefix + "deleted"));
    for (String field : schema.fields()) {
      data.put(field, row.getString(prefix + field));
    }
    OffsetDateTime asOf = row.getOffsetDateTime(prefix + "as_of");
    UUID id = prefix.isEmpty() ? row.getUUID("id") : row.getUUID(prefix + "id");
    return new LocalRow(
        id,
        deleted ? null : data,
        row.getLong(prefix + "version"),
        deleted,
        asOf == null ? null : asOf.toInstant());
  }

  /** Writes back what the owner answered; missing ids are left to events and reconciliation. */
  Future<Void> writeFetched(Map<UUID, JsonObject> fetched) {
    List<Tuple> rows = new ArrayList<>();
    fetched.forEach(
        (id, user) -> {
          if (user != null) {
            rows.add(tuple(id, user, user.getLong("version"), false, null));
          }
        });
    return rows.isEmpty()
        ? Future.succeededFuture()
        : pool.preparedQuery(sql.upsertFetched).executeBatch(rows).mapEmpty();
  }

  Tuple tuple(UUID id, JsonObject data, long version, boolean deleted, Integer partition) {
    Tuple tuple = Tuple.tuple().addUUID(id);
    for (String field : schema.fields()) {
      tuple.addString(deleted || data == null ? null : data.getString(field));
    }
    return tuple.addLong(version).addBoolean(deleted).addInteger(partition);
  }

  Future<Void> applyWatermark(SqlClient tx, int partition, Instant watermark) {
    return tx.preparedQuery(sql.watermark)
        .execute(
            Tuple.of(
                schema.topic(), partition, OffsetDateTime.ofInstant(watermark, ZoneOffset.UTC)))
        .mapEmpty();
  }

  /** The applied watermark of every partition. */
  public Future<Map<Integer, Instant>> watermarks() {
    return pool.preparedQuery(sql.watermarks)
        .execute(Tuple.of(schema.topic()))
        .map(
            rows -> {
              Map<Integer, Instant> result = new HashMap<>();
              rows.forEach(
                  r ->
                      result.put(
                          r.getInteger("partition"), r.getOffsetDateTime("watermark").toInstant()));
              return result;
            });
  }
}
