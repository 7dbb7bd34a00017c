package dev.stockroom.common.replica;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import dev.stockroom.common.http.JsonNames;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;

/**
 * One answer of a replica read: the copied fields (null when only the id is known) and freshness.
 */
public record ReplicaEntry(UUID id, JsonObject data, Freshness freshness) {
  private static final SerializableString ID = JsonNames.of("id");
  private static final SerializableString FRESHNESS = JsonNames.of("freshness");

  public JsonObject toJson() {
    // A shallow copy is enough (the copied fields are strings) and cheaper than copy() per row.
    JsonObject json = new JsonObject();
    if (data != null) {
      data.forEach(field -> json.put(field.getKey(), field.getValue()));
    }
    return json.put("id", id.toString()).put("freshness", freshness.toJson());
  }

  /**
   * The same object as {@link #toJson()}, written straight into a streaming generator: for large
   * pages, where a tree per entry is most of the cost of the answer.
   */
  public void writeTo(JsonGenerator json) throws IOException {
    json.writeStartObject();
    if (data != null) {
      // The map itself: JsonObject's iterator wraps every entry to convert nested maps and lists,
      // which copied fields (strings) never are.
      for (Map.Entry<String, Object> field : data.getMap().entrySet()) {
        json.writeFieldName(JsonNames.of(field.getKey()));
        if (field.getValue() instanceof String text) {
          json.writeString(text);
        } else {
          json.writeObject(field.getValue());
        }
      }
    }
    json.writeFieldName(ID);
    json.writeString(id.toString());
    json.writeFieldName(FRESHNESS);
    freshness.writeTo(json);
    json.writeEndObject();
  }
}
