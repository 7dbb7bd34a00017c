package dev.stockroom.orders.placing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/** All SQL about orders, prepared and parameterised. */
public final class OrderStore {
  private static final String BY_ID =
      "SELECT id, customer_id, status, customer, lines, total_cents, shipping_address, rejection,"
          + " created_at, updated_at FROM orders WHERE id = $1";

  private final Pool pool;

  public OrderStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<JsonObject>> find(UUID id) {
    return pool.preparedQuery(BY_ID)
        .execute(Tuple.of(id))
        .map(
            rows ->
                rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
  }

  static JsonObject toJson(Row row) {
    JsonObject order =
        new JsonObject()
            .put("id", row.getUUID("id").toString())
            .put("status", row.getString("status"))
            .put("customer", row.getJsonObject("customer"))
            .put("lines", row.getJsonArray("lines"))
            .put("totalCents", row.getLong("total_cents"))
            .put("shippingAddress", row.getJsonObject("shipping_address"))
            .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
            .put("updatedAt", row.getOffsetDateTime("updated_at").toInstant().toString());
    if (row.getJsonObject("rejection") != null) {
      order.put("rejection", row.getJsonObject("rejection"));
    }
    return order.put("customerId", row.getUUID("customer_id").toString());
  }
}
