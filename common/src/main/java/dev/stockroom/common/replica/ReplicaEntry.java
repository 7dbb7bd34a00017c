package dev.stockroom.common.replica;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * One answer of a replica read: the copied fields (null when only the id is known) and freshness.
 */
public record ReplicaEntry(UUID id, JsonObject data, Freshness freshness) {
  public JsonObject toJson() {
    JsonObject json = data == null ? new JsonObject() : data.copy();
    return json.put("id", id.toString()).put("freshness", freshness.toJson());
  }
}
