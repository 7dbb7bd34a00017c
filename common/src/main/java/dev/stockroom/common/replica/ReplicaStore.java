package dev.stockroom.common.replica;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Reads and writes of the local copy; the sync path is the only writer. */
public final class ReplicaStore {
  private final Pool pool;
  private final ReplicaSchema schema;
  private final ReplicaSql sql;
  private final UncopiedHolds uncopied;
  private final Map<String, PrefixedColumns> columns = new ConcurrentHashMap<>();

  public ReplicaStore(Pool pool, ReplicaSchema schema) {
    this.pool = pool;
    this.schema = schema;
    this.sql = new ReplicaSql(schema);
    this.uncopied = new UncopiedHolds(schema);
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

  UncopiedHolds uncopied() {
    return uncopied;
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

  /** The stored version of each of these ids that has a row. */
  Future<Map<UUID, Long>> versions(Collection<UUID> ids) {
    return versions(sql.versions, ids);
  }

  /** The stored versions of the people the copy holds as live (neither absent nor deleted). */
  Future<Map<UUID, Long>> liveVersions(Collection<UUID> ids) {
    return versions(sql.liveVersions, ids);
  }

  private Future<Map<UUID, Long>> versions(String query, Collection<UUID> ids) {
    return pool.preparedQuery(query)
        .execute(Tuple.of((Object) ids.toArray(UUID[]::new)))
        .map(
            rows -> {
              Map<UUID, Long> result = new HashMap<>();
              rows.forEach(row -> result.put(row.getUUID("id"), row.getLong("version")));
              return result;
            });
  }

  /**
   * A local row from a query that selected the replica's columns, optionally prefixed (the
   * low-stock report selects them as {@code s_name}, {@code s_version}, ...).
   */
  public LocalRow localRow(Row row, String prefix) {
    return reader(row, prefix).read(row);
  }

  /**
   * Reads local rows out of the rows of one result, whose columns are found by name once (from
   * {@code first}) rather than per cell: a lookup by name scans the result's column list, and a
   * page of the report made a few hundred of them.
   */
  public RowReader reader(Row first, String prefix) {
    // Column names built once per prefix: concatenating them per row re-hashed every name.
    PrefixedColumns c = columns.computeIfAbsent(prefix, this::prefixed);
    int[] fieldColumns = new int[c.fields().size()];
    for (int i = 0; i < fieldColumns.length; i++) {
      fieldColumns[i] = first.getColumnIndex(c.fields().get(i));
    }
    return new RowReader(
        schema.fields(),
        first.getColumnIndex(c.id()),
        first.getColumnIndex(c.deleted()),
        first.getColumnIndex(c.version()),
        first.getColumnIndex(c.asOf()),
        fieldColumns);
  }

  /** Column positions of the replica's columns in one result. */
  public record RowReader(
      List<String> fields, int id, int deleted, int version, int asOf, int[] columns) {
    /** Whether this row has a local copy at all (a LEFT JOIN leaves the id null when not). */
    public boolean present(Row row) {
      return row.getValue(id) != null;
    }

    public LocalRow read(Row row) {
      boolean gone = Boolean.TRUE.equals(row.getBoolean(deleted));
      JsonObject data = new JsonObject();
      for (int i = 0; i < columns.length; i++) {
        data.put(fields.get(i), row.getString(columns[i]));
      }
      OffsetDateTime at = row.getOffsetDateTime(asOf);
      return new LocalRow(
          row.getUUID(id),
          gone ? null : data,
          row.getLong(version),
          gone,
          at == null ? null : at.toInstant());
    }
  }

  private PrefixedColumns prefixed(String prefix) {
    return new PrefixedColumns(
        prefix + "id",
        prefix + "deleted",
        prefix + "version",
        prefix + "as_of",
        schema.columns().stream().map(c -> prefix + c).toList());
  }

  private record PrefixedColumns(
      String id, String deleted, String version, String asOf, List<String> fields) {}

  /**
   * The order every writer of the copy takes people's rows in (the consumer's batches, the owner's
   * answers written back): two writers of the same people then wait for each other instead of
   * deadlocking. PostgreSQL's order of uuid (unsigned bytes, unlike {@link UUID#compareTo}), the
   * order of an {@code ORDER BY id}: the reconciliation repairs rows in the owner's page order.
   */
  static final Comparator<UUID> LOCK_ORDER =
      (a, b) -> {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0
            ? high
            : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
      };

  /** Writes back what the owner answered; missing ids are left to events and reconciliation. */
  Future<Void> writeFetched(Map<UUID, OwnerAnswer> fetched) {
    List<Tuple> rows = new ArrayList<>();
    // In LOCK_ORDER: the statements run in one implicit transaction, each locking its person.
    List<UUID> ids = new ArrayList<>(fetched.keySet());
    ids.sort(LOCK_ORDER);
    for (UUID id : ids) {
      OwnerAnswer answer = fetched.get(id);
      if (answer.record() != null) {
        rows.add(
            tuple(
                id,
                answer.record(),
                answer.record().getLong("version"),
                false,
                answer.asOf(),
                null));
      }
    }
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    // Projected after the copy's rows are written and unlocked, not in their transaction:
    // concurrent reads that ask the owner for the same people wait on those rows, and holding them
    // through one more statement cut maxStaleness=PT0S reports to a fifth. A projection left
    // behind by a failure here claims less freshness than the copy, never more (events, which the
    // watermarks vouch for, are projected in their own transaction).
    return pool.preparedQuery(sql.upsertFetched)
        .executeBatch(rows)
        .compose(written -> project(pool, ids(written)));
  }

  /** The ids a batch of statements returning {@code id} answered, over every result. */
  private static List<UUID> ids(RowSet<Row> batch) {
    List<UUID> ids = new ArrayList<>();
    for (RowSet<Row> result = batch; result != null; result = result.next()) {
      result.forEach(row -> ids.add(row.getUUID("id")));
    }
    return ids;
  }

  /**
   * Refreshes the rows that reference these ids in every projection of the copy ({@link
   * ReplicaProjection}); each write of the copy calls it after writing, in the write's transaction
   * but for the owner's answers.
   */
  Future<Void> project(SqlClient tx, Collection<UUID> ids) {
    Future<Void> chain = Future.succeededFuture();
    if (ids.isEmpty() || sql.refreshProjections.isEmpty()) {
      return chain;
    }
    Tuple idArray = Tuple.of((Object) ids.toArray(UUID[]::new));
    // One after another (the first is issued at once, behind whatever the caller issued before):
    // on the pool (the owner's answers) two projections of one table must not race.
    for (String refresh : sql.refreshProjections) {
      chain = chain.compose(v -> tx.preparedQuery(refresh).execute(idArray).mapEmpty());
    }
    return chain;
  }

  /** The upserts' parameters; {@code syncedAt} is the owner's time the data is current as of. */
  Tuple tuple(
      UUID id,
      JsonObject data,
      long version,
      boolean deleted,
      Instant syncedAt,
      Integer partition) {
    Tuple tuple = Tuple.tuple().addUUID(id);
    for (String field : schema.fields()) {
      tuple.addString(deleted || data == null ? null : data.getString(field));
    }
    return tuple
        .addLong(version)
        .addBoolean(deleted)
        .addOffsetDateTime(OffsetDateTime.ofInstant(syncedAt, ZoneOffset.UTC))
        .addInteger(partition);
  }

  Future<Void> applyWatermarks(SqlClient tx, Map<Integer, Instant> watermarks) {
    List<Tuple> batch = new ArrayList<>(watermarks.size());
    watermarks.forEach(
        (partition, at) ->
            batch.add(
                Tuple.of(schema.topic(), partition, OffsetDateTime.ofInstant(at, ZoneOffset.UTC))));
    return tx.preparedQuery(sql.watermark).executeBatch(batch).mapEmpty();
  }

  /** A watermark row (dated 1970) for each of {@code partitions} that has none yet. */
  Future<Void> expectWatermarks(Set<Integer> partitions) {
    return pool.preparedQuery(sql.expectWatermarks)
        .execute(Tuple.of(schema.topic(), (Object) partitions.toArray(Integer[]::new)))
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

  /** Whether a copy held back from the watermarks was last written before {@code at}. */
  Future<Boolean> heldBackBefore(Instant at) {
    return pool.preparedQuery(sql.heldBackBefore)
        .execute(Tuple.of(OffsetDateTime.ofInstant(at, ZoneOffset.UTC), schema.table()))
        .map(rows -> rows.iterator().next().getBoolean("held_back"));
  }
}
