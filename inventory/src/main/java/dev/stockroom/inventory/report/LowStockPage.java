package dev.stockroom.inventory.report;

import dev.stockroom.common.replica.ReplicaEntry;
import dev.stockroom.inventory.items.Item;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A page of the report as the contract shows it: each item, its last stocker as the replica read
 * answered for them, and the cursor to the next page. The benchmarks' bare baseline renders with it
 * too, so the two bodies are the same by construction.
 */
public final class LowStockPage {
  private LowStockPage() {}

  /** {@code page}: rows of {@link LowStockQuery#SQL}; {@code stockers}: each stocker's entry. */
  public static JsonObject render(List<Row> page, Map<UUID, ReplicaEntry> stockers, int limit) {
    JsonArray items = new JsonArray();
    for (Row row : page) {
      JsonObject item = Item.from(row).toJson();
      UUID stocker = row.getUUID("last_stocked_by");
      item.put("lastStockedBy", stocker == null ? null : stockers.get(stocker).toJson());
      items.add(item);
    }
    String next = null;
    if (page.size() == limit) {
      Row last = page.get(page.size() - 1);
      next = new Cursor(last.getInteger("quantity"), last.getString("sku")).encode();
    }
    return new JsonObject().put("items", items).put("next", next);
  }
}
