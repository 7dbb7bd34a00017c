package dev.stockroom.orders.placing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.UUID;

/** An order as stored; the customer and the lines are snapshots taken when it was placed. */
public record StoredOrder(UUID id, UUID customerId, String status, JsonObject json) {
  static StoredOrder from(Row row) {
    JsonArray lines = row.getJsonArray("lines");
    JsonObject json =
        new JsonObject()
            .put("id", row.getUUID("id").toString())
            .put("status", row.getString("status"))
            .put("customer", row.getJsonObject("customer"))
            // Until stock is reserved only what was asked for is known.
            .put(
                "lines",
                lines == null || lines.isEmpty() ? row.getJsonArray("requested_lines") : lines)
            .put("totalCents", row.getLong("total_cents"))
            .put("shippingAddress", row.getJsonObject("shipping_address"))
            .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
            .put("updatedAt", row.getOffsetDateTime("updated_at").toInstant().toString());
    if (row.getJsonObject("rejection") != null) {
      json.put("rejection", row.getJsonObject("rejection"));
    }
    return new StoredOrder(
        row.getUUID("id"), row.getUUID("customer_id"), row.getString("status"), json);
  }

  public boolean finished() {
    return !"PENDING".equals(status);
  }

  public JsonObject toJson() {
    return json;
  }
}
