package dev.stockroom.common.replica;

import dev.stockroom.common.db.Migrations;
import java.util.List;

/**
 * Which copy a consuming service keeps: its table (with columns {@code id, <fields>, version,
 * deleted, synced_at, partition, reconciled_at}, created by the service's own migration), the
 * owner's topic, and the fields it needs; nothing else of the owner's data is stored.
 *
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
    String dlqTopic) {

  public static final Migrations MIGRATIONS =
      new Migrations("db/replica", "flyway_replica_history");

  public static ReplicaSchema of(
      String table, String topic, String eventPrefix, List<String> fields, String service) {
    return new ReplicaSchema(
        table, topic, eventPrefix, fields, service + "-" + table, topic + "." + service + ".dlq");
  }
}
