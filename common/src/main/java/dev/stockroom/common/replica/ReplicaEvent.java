package dev.stockroom.common.replica;

import dev.stockroom.common.outbox.CloudEventRecords;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** What a record on the owner's topic means for the local copy. */
sealed interface ReplicaEvent {
  /** A new state of a person (or their deletion: data null, deleted true), at a version. */
  record Upsert(
      UUID id, JsonObject data, long version, boolean deleted, int partition, Instant time)
      implements ReplicaEvent {}

  /** The owner erased the key: drop what is left of it. */
  record Tombstone(UUID id) implements ReplicaEvent {}

  /** Everything the owner committed before {@code at} was published ahead on this partition. */
  record Watermark(int partition, Instant at) implements ReplicaEvent {}

  /** A record this consumer cannot apply; it goes to the dead-letter topic with the reason. */
  record Poison(String reason) implements ReplicaEvent {}

  /** A record not believed (a watermark from the future): ignored and counted, never applied. */
  record Rejected(String reason) implements ReplicaEvent {}

  static ReplicaEvent parse(KafkaConsumerRecord<String, byte[]> record, ReplicaSchema schema) {
    if (record.value() == null) {
      UUID id = uuid(record.key());
      return id == null
          ? new Poison("tombstone whose key is not an id: " + record.key())
          : new Tombstone(id);
    }
    String type = header(record, "ce_type");
    if (type == null || !"1.0".equals(header(record, "ce_specversion"))) {
      return new Poison(
          "not a CloudEvents 1.0 binary-mode record (ce_type/ce_specversion missing)");
    }
    JsonObject data;
    try {
      data = new JsonObject(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (DecodeException | ClassCastException e) {
      return new Poison("data is not a JSON object: " + e.getMessage());
    }
    try {
      if (type.equals(CloudEventRecords.WATERMARK_TYPE)) {
        return new Watermark(record.partition(), Instant.parse(data.getString("watermark")));
      }
      if (!type.startsWith(schema.eventPrefix())) {
        return new Poison("unknown event type " + type);
      }
      String kind = type.substring(schema.eventPrefix().length());
      if (!kind.equals("registered") && !kind.equals("updated") && !kind.equals("deleted")) {
        return new Poison("unknown event type " + type);
      }
      UUID id = uuid(data.getString("id"));
      Long version = data.getLong("version");
      if (id == null || !id.toString().equals(record.key()) || version == null || version < 1) {
        return new Poison("event without a matching id and a positive version: " + type);
      }
      boolean deleted = kind.equals("deleted");
      for (String field : schema.fields()) {
        Object value = data.getValue(field);
        if (!deleted && value != null && !(value instanceof String)) {
          return new Poison("unknown schema for " + type + ": " + field + " is not a string");
        }
      }
      return new Upsert(
          id, deleted ? null : data, version, deleted, record.partition(), eventTime(record));
    } catch (ClassCastException | DateTimeParseException | NullPointerException e) {
      return new Poison("unknown schema for " + type + ": " + e.getMessage());
    }
  }

  private static Instant eventTime(KafkaConsumerRecord<String, byte[]> record) {
    String time = header(record, "ce_time");
    try {
      return time == null ? Instant.ofEpochMilli(record.timestamp()) : Instant.parse(time);
    } catch (DateTimeParseException e) {
      return Instant.ofEpochMilli(record.timestamp());
    }
  }

  static String header(KafkaConsumerRecord<String, byte[]> record, String name) {
    for (KafkaHeader header : record.headers()) {
      if (header.key().equals(name)) {
        return header.value().toString();
      }
    }
    return null;
  }

  private static UUID uuid(String value) {
    try {
      return value == null ? null : UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
