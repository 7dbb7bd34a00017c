package dev.stockroom.common.replica;

import dev.stockroom.common.db.ColumnNames;
import dev.stockroom.common.db.Migrations;
import java.util.ArrayList;
import java.util.List;

/**
 * Which copy a consuming service keeps: its table (with columns {@code id, <fields>, version,
 * deleted, synced_at, partition, reconciled_at, applied_at}, created by the service's own
 * migration), the owner's topic, and the fields it needs; nothing else of the owner's data is
 * stored.
 *
 * @param fields the owner's field names the copy keeps, each in its own column ({@link #column})
 * @param owner how to ask the owner directly (the fallback and the reconciliation)
 * @param eventPrefix the owner's event types, e.g. {@code stockroom.user.} for {@code
 *     stockroom.user.registered|updated|deleted}
 * @param consumerGroup one group per consuming service
 * @param projections where else the copy is kept, projected onto rows that reference it
 */
public record ReplicaSchema(
    String table,
    String topic,
    String eventPrefix,
    List<String> fields,
    String consumerGroup,
    String dlqTopic,
    OwnerApi owner,
    List<ReplicaProjection> projections) {

  public static final Migrations MIGRATIONS =
      new Migrations("db/replica", "flyway_replica_history");

  /** The column a field is kept in: {@code lastName} in {@code last_name}. */
  public static String column(String field) {
    return ColumnNames.of(field);
  }

  /** The columns of the fields, in the fields' order. */
  public List<String> columns() {
    return fields.stream().map(ReplicaSchema::column).toList();
  }

  /**
   * How current a row of this replica ({@code row}) is known to be, with its partition's watermark
   * joined as {@code watermark}: its own synced_at, or the watermark when later — but the watermark
   * only for a row synced since the field list last changed, for an older row lacks the newer
   * fields whatever the watermark says.
   */
  public String asOf(String row, String watermark) {
    return asOfSynced(row + ".synced_at", watermark);
  }

  private String asOfSynced(String syncedAt, String watermark) {
    return "greatest("
        + syncedAt
        + ", CASE WHEN "
        + syncedAt
        + " >= (SELECT f.since FROM replica_fields f WHERE f.replica = '"
        + table
        + "') THEN "
        + watermark
        + ".watermark END)";
  }

  /**
   * {@link #asOf} with the watermarks and the field list's date passed as parameters ({@link
   * AppliedWatermarks.Snapshot}): {@code watermarks} a timestamptz[] whose element i+1 is partition
   * i's (SQL arrays count from 1; a held-back copy's partition, -1, finds none), {@code since} a
   * timestamptz.
   */
  String asOfPassed(String syncedAt, String partition, String watermarks, String since) {
    return "greatest("
        + syncedAt
        + ", CASE WHEN "
        + syncedAt
        + " >= "
        + since
        + "::timestamptz THEN ("
        + watermarks
        + "::timestamptz[])["
        + partition
        + " + 1] END)";
  }

  /** The copy {@code service} keeps in {@code table} of what {@code owner} publishes on topic. */
  public static ReplicaSchema of(
      String table,
      String topic,
      String eventPrefix,
      List<String> fields,
      String service,
      OwnerApi owner) {
    return new ReplicaSchema(
        table,
        topic,
        eventPrefix,
        fields,
        service + "-" + table,
        topic + "." + service + ".dlq",
        owner,
        List.of());
  }

  /** This copy, also projected as {@code projection} says. */
  public ReplicaSchema withProjection(ReplicaProjection projection) {
    List<ReplicaProjection> more = new ArrayList<>(projections);
    more.add(projection);
    return new ReplicaSchema(
        table, topic, eventPrefix, fields, consumerGroup, dlqTopic, owner, List.copyOf(more));
  }
}
