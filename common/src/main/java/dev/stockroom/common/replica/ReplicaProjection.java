package dev.stockroom.common.replica;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The copy projected once more onto the rows of a table of the consuming service that reference it,
 * so a read that shows each row with its copied person is one table scan instead of a join per row.
 * Every write of the copy refreshes the rows that reference what it wrote, in the same transaction
 * ({@link ReplicaStore#project}); a write of the reference sets the projected columns in the same
 * statement ({@link #assignFrom}). The columns ({@code <prefix>id}, one per field, {@code version,
 * deleted, synced_at, partition}) come from the service's own migration.
 *
 * @param table the referencing table, e.g. {@code items}
 * @param key its primary key: rows are locked in its order, the order every other writer of the
 *     table locks several rows in, so a refresh never deadlocks with them
 * @param reference its column holding the copied row's id, e.g. {@code last_stocked_by}
 * @param prefix the projected columns' prefix, e.g. {@code stocker_}
 */
public record ReplicaProjection(String table, String key, String reference, String prefix) {

  /** The copy's columns as they are projected, in this order onto {@link #columns}. */
  private static List<String> copied(ReplicaSchema schema) {
    List<String> columns = new ArrayList<>();
    columns.add("id");
    columns.addAll(schema.columns());
    columns.addAll(List.of("version", "deleted", "synced_at", "partition"));
    return columns;
  }

  /** The projected columns on {@link #table}. */
  public List<String> columns(ReplicaSchema schema) {
    return copied(schema).stream().map(c -> prefix + c).toList();
  }

  /**
   * The select list of a read of {@link #table} as {@code row}, for {@link ReplicaStore#reader}
   * with the same {@code alias}: {@code <alias><column>} for id, fields, version, deleted. Add
   * {@link #asOf} as {@code <alias>as_of}.
   */
  public String select(ReplicaSchema schema, String row, String alias) {
    List<String> shown = new ArrayList<>(copied(schema));
    shown.removeAll(List.of("synced_at", "partition"));
    return shown.stream()
        .map(c -> row + "." + prefix + c + " AS " + alias + c)
        .collect(Collectors.joining(", "));
  }

  /**
   * {@link ReplicaSchema#asOf} of the projected copy from an {@link AppliedWatermarks.Snapshot}
   * passed as parameters: {@code watermarks} a timestamptz[] indexed by partition, {@code since}
   * the field list's date. No join: an array subscript per row.
   */
  public String asOfPassed(ReplicaSchema schema, String row, String watermarks, String since) {
    return schema.asOfPassed(row + "." + prefix + "synced_at", partition(row), watermarks, since);
  }

  /** The projected copy's partition, to join its watermark on. */
  public String partition(String row) {
    return row + "." + prefix + "partition";
  }

  /**
   * How far the projected synced_at may trail the copy's when nothing else differs, and how far the
   * copy's may trail the owner's answers (ReplicaSql's upsertFetched). Every owner fallback writes
   * the person back with a new synced_at; rewriting each item they stocked for that, under 32
   * concurrent {@code maxStaleness=PT0S} reports of the same page, serialized the reports on the
   * items' row locks (44 instead of 774 req/s). A copy this much behind claims less freshness,
   * never more.
   */
  public static final String SYNCED_AT_SLACK = "1 second";

  /**
   * Refreshes every row referencing one of the ids in $1 whose projection differs from the copy as
   * this transaction sees it (nothing, when the copy has no such row) other than by a synced_at
   * within {@link #SYNCED_AT_SLACK} behind: those rows are locked in key order, then set. Never to
   * an older version than the row projects: a refresh that waited for a row's lock re-reads that
   * row as committed meanwhile (a newer event's projection) but the copy as its own snapshot had
   * it, and would set the row back. Versions compare one person's: a row projecting someone else
   * than it references (written by code from before the projection) is always set.
   */
  String refresh(ReplicaSchema schema) {
    List<String> copied = copied(schema);
    List<String> compared = new ArrayList<>(copied);
    compared.remove("synced_at");
    return "UPDATE "
        + table
        + " p SET "
        + copied.stream().map(c -> prefix + c + " = s.v_" + c).collect(Collectors.joining(", "))
        + " FROM (SELECT i."
        + key
        + ", "
        + copied.stream().map(c -> "r." + c + " AS v_" + c).collect(Collectors.joining(", "))
        + " FROM "
        + table
        + " i LEFT JOIN "
        + schema.table()
        + " r ON r.id = i."
        + reference
        + " WHERE i."
        + reference
        + " = ANY($1) AND (("
        + compared.stream().map(c -> "i." + prefix + c).collect(Collectors.joining(", "))
        + ") IS DISTINCT FROM ("
        + compared.stream().map(c -> "r." + c).collect(Collectors.joining(", "))
        + ") OR i."
        + prefix
        + "synced_at IS NULL OR i."
        + prefix
        + "synced_at < r.synced_at - interval '"
        + SYNCED_AT_SLACK
        + "') AND (r.id IS NULL OR i."
        + prefix
        + "id IS DISTINCT FROM r.id OR i."
        + prefix
        + "version IS NULL OR i."
        + prefix
        + "version <= r.version) ORDER BY i."
        + key
        + " FOR UPDATE OF i) s WHERE p."
        + key
        + " = s."
        + key;
  }

  /**
   * For an UPDATE of {@link #table} that sets {@link #reference} to {@code id}: the assignments
   * ({@code set}) and the FROM clause ({@code from}, the copy as {@code r}) that set the projected
   * columns in the same statement. The copy's row is share-locked before the updated row is, the
   * order a write of the copy takes them in, so the two never deadlock and neither loses the
   * other's write.
   */
  public Assignment assignFrom(ReplicaSchema schema, String id) {
    List<String> copied = copied(schema);
    String set =
        copied.stream().map(c -> prefix + c + " = r." + c).collect(Collectors.joining(", "));
    String from =
        " FROM (SELECT 1) one LEFT JOIN (SELECT * FROM "
            + schema.table()
            + " WHERE id = "
            + id
            + " FOR SHARE) r ON true";
    return new Assignment(set, from);
  }

  private static final String COLUMNS =
      "SELECT column_name FROM information_schema.columns"
          + " WHERE table_schema = current_schema() AND table_name = $1";

  /**
   * Fails, naming what is missing, unless {@link #table} has every projected column: a field added
   * to the copy's list without its projected column would otherwise stop the consumer at its first
   * event and fail every read of the table, long after the start.
   */
  public Future<Void> verify(SqlClient db, ReplicaSchema schema) {
    return db.preparedQuery(COLUMNS)
        .execute(Tuple.of(table))
        .compose(
            rows -> {
              Set<String> present = new HashSet<>();
              rows.forEach(row -> present.add(row.getString("column_name")));
              List<String> missing =
                  columns(schema).stream().filter(c -> !present.contains(c)).toList();
              return missing.isEmpty()
                  ? Future.succeededFuture()
                  : Future.failedFuture(
                      new IllegalStateException(
                          "the copy in "
                              + schema.table()
                              + " is projected onto "
                              + table
                              + ", which lacks "
                              + String.join(", ", missing)
                              + ": add a column for every copied field in the migration that adds"
                              + " the field"));
            });
  }

  /** See {@link #assignFrom}. */
  public record Assignment(String set, String from) {}
}
