package dev.stockroom.inventory.reservations;

import dev.stockroom.common.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.HashMap;
import java.util.Map;

/** Decides, from the locked item rows, whether a request can be served in full. */
final class StockCheck {
  private StockCheck() {}

  /**
   * Succeeds when every sku exists and has enough available; otherwise fails with 404 (listing
   * {@code unknownSkus}) or 409 insufficient-stock (listing the {@code shortfall} per sku).
   */
  static Future<Void> refusal(ReservationRequest request, Iterable<Row> locked) {
    Map<String, Integer> available = new HashMap<>();
    locked.forEach(row -> available.put(row.getString("sku"), row.getInteger("available")));
    return check(request, available);
  }

  static Future<Void> check(ReservationRequest request, Map<String, Integer> available) {
    JsonArray unknown = new JsonArray();
    JsonArray shortfall = new JsonArray();
    request
        .lines()
        .forEach(
            (sku, requested) -> {
              Integer has = available.get(sku);
              if (has == null) {
                unknown.add(sku);
              } else if (has < requested) {
                shortfall.add(
                    new JsonObject()
                        .put("sku", sku)
                        .put("requested", requested)
                        .put("available", has));
              }
            });
    if (!unknown.isEmpty()) {
      return Future.failedFuture(
          Problem.typed(
                  404, "unknown-sku", "Unknown SKU", "No item has these SKUs; nothing was reserved")
              .with("unknownSkus", unknown));
    }
    if (!shortfall.isEmpty()) {
      return Future.failedFuture(
          Problem.typed(
                  409,
                  "insufficient-stock",
                  "Insufficient stock",
                  "Not enough stock for " + shortfall.size() + " SKU(s); nothing was reserved")
              .with("shortfall", shortfall));
    }
    return Future.succeededFuture();
  }
}
