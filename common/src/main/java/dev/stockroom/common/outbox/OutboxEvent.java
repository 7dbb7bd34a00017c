package dev.stockroom.common.outbox;

import io.vertx.core.json.JsonObject;

/**
 * An event to publish: {@code data == null} is a tombstone for {@code key} (on a compacted topic it
 * erases the key once compaction runs).
 */
public record OutboxEvent(String topic, String key, String type, JsonObject data) {
  public static final String TOMBSTONE = "tombstone";

  public static OutboxEvent tombstone(String topic, String key) {
    return new OutboxEvent(topic, key, TOMBSTONE, null);
  }
}
