package dev.stockroom.common.replica;

import dev.stockroom.common.db.Migrations;
import java.util.List;

/**
 * Which copy a consuming service keeps: its table (with columns {@code id, <fields>, version,
 * deleted, synced_at, partition, reconciled_at}, created by the service's own migration), the
 * owner's topic, and the fields it needs; nothing else of the owner's data is stored.
 *
 * @param owner how to ask the owner directly (the fallback and the reconciliation)
 * @param eventPrefix the owner's event types, e.g. {@code stockroom.user.} for {@code
 *     stockroom.user.registered|updated|deleted}
 * @param consumerGroup one group per consuming service
 */
public record ReplicaSchema(
    String table,
    String topic,
    String eventPrefix,
    List<String> fields,
    String consumerGroup,
    String dlqTopic,
    OwnerApi owner) {

  public static final Migrations MIGRATIONS =
      new Migrations("db/replica", "flyway_replica_history");

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
        owner);
  }
}
