package dev.stockroom.common.replica;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * One answer of a replica read: the copied fields (null when only the id is known) and freshness.
 */
public record ReplicaEntry(UUID id, JsonObject data, Freshness freshness) {
  public JsonObject toJson() {
    // A shallow copy is enough (the copied fields are strings) and cheaper than copy() per row.
    JsonObject json = new JsonObject();
    if (data != null) {
      data.forEach(field -> json.put(field.getKey(), field.getValue()));
    }
    return json.put("id", id.toString()).put("freshness", freshness.toJson());
  }
}
