package dev.stockroom.common.replica;

import dev.stockroom.common.outbox.CloudEventRecords;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.apache.kafka.common.header.Header;

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
    try {
      return read(record, schema);
    } catch (RuntimeException e) {
      // Whatever else a forged record trips over is parked, never a failed batch: a batch that
      // fails to parse would be neither applied nor retried.
      return new Poison("unreadable record: " + e);
    }
  }

  /**
   * The times PostgreSQL's timestamptz holds and a clock can mean; a record outside them would fail
   * its batch on every retry.
   */
  Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

  Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  /**
   * The longest value a copy stores, in UTF-8 bytes: above what an owner's contract allows (a name
   * of 200 characters, at most 800 bytes; an email of 254), below what would fail a batch
   * (PostgreSQL refuses an index entry over 2,704 bytes, also after {@code lower()} made some
   * characters longer, so a forged name of a few thousand bytes would stop the partition on every
   * retry) or fill a replica row with a megabyte.
   */
  int MAX_VALUE_BYTES = 1_600;

  private static ReplicaEvent read(
      KafkaConsumerRecord<String, byte[]> record, ReplicaSchema schema) {
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
      data = new JsonObject(new String(record.value(), StandardCharsets.UTF_8));
    } catch (DecodeException | ClassCastException e) {
      return new Poison("data is not a JSON object: " + e.getMessage());
    }
    try {
      if (type.equals(CloudEventRecords.WATERMARK_TYPE)) {
        Instant at = Instant.parse(data.getString("watermark"));
        return outOfRange(at)
            ? new Poison("watermark outside the years 1970-9999: " + at)
            : new Watermark(record.partition(), at);
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
        if (!deleted && value != null && ((String) value).indexOf('\u0000') >= 0) {
          return new Poison(field + " holds a NUL character, which PostgreSQL's text cannot store");
        }
        int bytes = value == null ? 0 : utf8Length((String) value);
        if (!deleted && bytes > MAX_VALUE_BYTES) {
          return new Poison(
              field
                  + " holds "
                  + bytes
                  + " bytes, more than the "
                  + MAX_VALUE_BYTES
                  + " a copy stores");
        }
      }
      Instant time = eventTime(record);
      if (outOfRange(time)) {
        return new Poison("event time outside the years 1970-9999: " + time);
      }
      return new Upsert(id, deleted ? null : data, version, deleted, record.partition(), time);
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

  /** UTF-8's length of {@code text}, without encoding it (a forged value may be a megabyte). */
  private static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static boolean outOfRange(Instant time) {
    return time.isBefore(EARLIEST) || time.isAfter(LATEST);
  }

  /**
   * The first header named {@code name}, null when absent or without a value. Read from Kafka's
   * record: Vert.x's view of the headers fails on a header without a value.
   */
  static String header(KafkaConsumerRecord<String, byte[]> record, String name) {
    for (Header header : record.record().headers()) {
      if (header.key().equals(name)) {
        return header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
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
