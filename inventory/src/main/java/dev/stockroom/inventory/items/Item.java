package dev.stockroom.inventory.items;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** An item and its stock; {@code available} is what can still be reserved. */
public record Item(
    String sku,
    String name,
    long priceCents,
    int quantity,
    int reserved,
    int lowStockThreshold,
    OffsetDateTime lastStockedAt,
    UUID lastStockedBy) {

  public static Item from(Row row) {
    return new Item(
        row.getString("sku"),
        row.getString("name"),
        row.getLong("price_cents"),
        row.getInteger("quantity"),
        row.getInteger("reserved"),
        row.getInteger("low_stock_threshold"),
        row.getOffsetDateTime("last_stocked_at"),
        row.getUUID("last_stocked_by"));
  }

  public int available() {
    return quantity - reserved;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("sku", sku)
        .put("name", name)
        .put("priceCents", priceCents)
        .put("quantity", quantity)
        .put("reserved", reserved)
        .put("available", available())
        .put("lowStockThreshold", lowStockThreshold)
        .put("lastStockedAt", lastStockedAt == null ? null : lastStockedAt.toInstant().toString())
        .put("lastStockedBy", lastStockedBy == null ? null : lastStockedBy.toString());
  }
}
