package dev.stockroom.common.outbox;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.UUID;

/** An outbox record as the relay reads it. */
record OutboxRow(
    long id,
    String topic,
    String key,
    String type,
    UUID eventId,
    JsonObject payload,
    Instant createdAt,
    String traceContext) {

  static OutboxRow from(Row row) {
    Object payload = row.getValue("payload");
    return new OutboxRow(
        row.getLong("id"),
        row.getString("topic"),
        row.getString("event_key"),
        row.getString("event_type"),
        row.getUUID("event_id"),
        payload instanceof JsonObject json ? json : null,
        row.getOffsetDateTime("created_at").toInstant(),
        row.getString("trace_context"));
  }
}
