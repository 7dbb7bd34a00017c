package dev.stockroom.inventory.restocks;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * One entry of an item's restock audit: who added how much, when, and their name at that moment
 * (never updated).
 */
record Restock(long id, int quantity, UUID stockedBy, String stockerName, Instant stockedAt) {
  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("quantity", quantity)
        .put("stockedBy", new JsonObject().put("id", stockedBy.toString()).put("name", stockerName))
        .put("stockedAt", stockedAt.toString());
  }
}
