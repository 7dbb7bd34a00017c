package dev.stockroom.inventory.restocks;

import dev.stockroom.inventory.items.Item;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** An item row as the API shows it. */
final class ItemJson {
  private ItemJson() {}

  static JsonObject of(Row row) {
    return Item.from(row).toJson();
  }
}
